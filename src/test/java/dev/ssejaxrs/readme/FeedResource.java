package dev.ssejaxrs.readme;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import jakarta.inject.Inject;
import jakarta.ws.rs.*;
import jakarta.ws.rs.core.*;
import jakarta.ws.rs.sse.SseEventSink;

import dev.ssejaxrs.broadcast.*;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.stream.*;

// README: begin shutdown
@Path("/")
public class FeedResource {
    @GET @Path("feed") @Produces(MediaType.SERVER_SENT_EVENTS)
    public EventStream feed(@Context SseRuntime runtime) {
        SubmissionPublisher<String> feed = new SubmissionPublisher<>();   // fed by your application
        runtime.shutdownSignal().thenRun(feed::close);          // optional: complete within the grace period
        return EventStream.of(feed, StreamOptions.builder()
                .shutdownGracePeriod(Duration.ofSeconds(2))
                .farewellEvent(SseEvent.builder().event("shutdown").data("bye").build())
                .build());
    }
}
// README: end shutdown
