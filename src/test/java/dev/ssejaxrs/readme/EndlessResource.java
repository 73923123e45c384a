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

// README: begin endless
@Path("/")
public class EndlessResource {
    private static final System.Logger log = System.getLogger(EndlessResource.class.getName());
    private final ScheduledExecutorService clock;       // the application's scheduler (see the main class below)

    @Inject
    public EndlessResource(ScheduledExecutorService clock) {
        this.clock = clock;
    }

    @GET @Path("endless") @Produces(MediaType.SERVER_SENT_EVENTS)
    public EventStream endless() {
        SubmissionPublisher<String> numbers = new SubmissionPublisher<>(Runnable::run, 256);
        AtomicLong sent = new AtomicLong();
        ScheduledFuture<?> producer = clock.scheduleAtFixedRate(
                () -> {
                    if (numbers.hasSubscribers()) {      // see "Sources" above: a hot source waits for its stream
                        numbers.offer(Long.toString(sent.incrementAndGet()), (subscriber, dropped) -> false);
                    }
                },
                0, 200, TimeUnit.MILLISECONDS);
        return EventStream.of(numbers, StreamOptions.builder()
                .onClose(reason -> {                     // CLIENT_GONE, SEND_TIMEOUT, SHUTDOWN, ...
                    producer.cancel(false);              // the client is gone: stop producing
                    numbers.close();
                    log.log(System.Logger.Level.INFO, "/endless ended ({0}) after {1} events", reason, sent.get());
                })
                .build());
    }
}
// README: end endless
