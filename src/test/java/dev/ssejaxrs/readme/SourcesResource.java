package dev.ssejaxrs.readme;

import java.util.concurrent.SubmissionPublisher;
import java.util.stream.Stream;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.ssejaxrs.stream.EventStream;

/**
 * The "Sources" paragraph of docs/streaming.md: a cold source keeps its first items, a hot one fed too early drops
 * them.
 */
@Path("/")
public class SourcesResource {
    @GET @Path("cold") @Produces(MediaType.SERVER_SENT_EVENTS)
    public EventStream cold() {
        return EventStream.of(Stream.of("first", "second"));
    }

    @GET @Path("hot") @Produces(MediaType.SERVER_SENT_EVENTS)
    public EventStream hot() {
        SubmissionPublisher<String> publisher = new SubmissionPublisher<>();
        publisher.submit("first");               // no subscriber yet: the stream subscribes after this method returns
        publisher.submit("second");
        publisher.close();
        return EventStream.of(publisher);
    }
}
