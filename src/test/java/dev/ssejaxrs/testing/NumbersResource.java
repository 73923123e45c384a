package dev.ssejaxrs.testing;

import java.util.stream.IntStream;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import dev.ssejaxrs.stream.EventStream;

/** The README's first example resource. */
@Path("/")
public class NumbersResource {
    @GET @Path("numbers") @Produces(MediaType.SERVER_SENT_EVENTS)
    public EventStream numbers(@QueryParam("from") @DefaultValue("1") int from,
                               @QueryParam("to") @DefaultValue("5") int to) {
        return EventStream.of(IntStream.rangeClosed(from, to).mapToObj(Integer::toString));
    }
}
