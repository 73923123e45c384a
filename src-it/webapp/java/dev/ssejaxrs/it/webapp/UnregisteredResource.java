package dev.ssejaxrs.it.webapp;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.ssejaxrs.stream.EventStream;

/** {@code GET /numbers} without the feature: Jersey has no writer for the stream. */
@Path("/")
public class UnregisteredResource {

    @GET
    @Path("numbers")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public EventStream numbers() {
        return EventStream.of(List.of("1"));
    }
}
