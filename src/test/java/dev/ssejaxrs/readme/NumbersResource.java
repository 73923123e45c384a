package dev.ssejaxrs.readme;

// README: begin imports
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
// README: end imports

// README: begin numbers
@Path("/")
public class NumbersResource {
    @GET @Path("numbers") @Produces(MediaType.SERVER_SENT_EVENTS)
    public EventStream numbers(@QueryParam("from") @DefaultValue("1") int from,
                               @QueryParam("to") @DefaultValue("5") int to) {
        return EventStream.of(IntStream.rangeClosed(from, to).mapToObj(Integer::toString));
    }
}
// README: end numbers
