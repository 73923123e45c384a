package dev.ssejaxrs.demo;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.stream.EventStream;
import dev.ssejaxrs.stream.StreamOptions;

/** The demo's streaming endpoints, the Java versions of sse-starlette's examples. */
@Path("/")
@Produces(MediaType.SERVER_SENT_EVENTS)
public final class StreamingResource {
    private static final System.Logger LOG = System.getLogger(StreamingResource.class.getName());
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final ScheduledExecutorService clock;

    @Inject
    public StreamingResource(ScheduledExecutorService clock) {
        this.clock = clock;
    }

    /** {@code GET /numbers?from=1&to=5&delayMs=900}: one {@code data: i} per number, then the end. */
    @GET
    @Path("numbers")
    public EventStream numbers(@QueryParam("from") String fromParam, @QueryParam("to") String toParam,
            @QueryParam("delayMs") String delayParam) {
        long from = QueryParams.integer("from", fromParam, 1);
        long to = QueryParams.integer("to", toParam, 5);
        long delay = QueryParams.integer("delayMs", delayParam, 900);
        if (from > to) {
            throw JsonErrors.badRequest("from must not be greater than to: from=" + from + ", to=" + to);
        }
        if (delay < 0) {
            throw JsonErrors.badRequest("delayMs must not be negative: " + delay);
        }
        if (delay == 0) {
            return EventStream.of(LongStream.rangeClosed(from, to).mapToObj(Long::toString));
        }
        return EventStream.of(new Ticker(clock, Duration.ofMillis(delay), to - from + 1,
                i -> Long.toString(from + i - 1), Duration.ZERO, () -> { }));
    }

    /** {@code GET /stream}: five named, numbered two-line updates a second apart, a ping, then the end. */
    @GET
    @Path("stream")
    public EventStream stream() {
        StreamOptions options = StreamOptions.builder().pingInterval(Duration.ofSeconds(5)).build();
        return EventStream.of(new Ticker(clock, Duration.ofSeconds(1), 5,
                i -> SseEvent.builder().event("update").id(Long.toString(i))
                        .data("Update " + i + "\nTime: " + LocalTime.now().format(CLOCK)).build(),
                Duration.ofSeconds(3), () -> { }), options);
    }

    /** {@code GET /endless}: {@code data: i} every 200 ms until the client goes away (which is logged). */
    @GET
    @Path("endless")
    public EventStream endless() {
        SubmissionPublisher<String> numbers = new SubmissionPublisher<>(Runnable::run, 256);
        AtomicLong sent = new AtomicLong();
        ScheduledFuture<?> producer = clock.scheduleAtFixedRate(
                () -> {
                    if (numbers.hasSubscribers()) { // starts counting once the stream has subscribed
                        numbers.offer(Long.toString(sent.incrementAndGet()), (subscriber, dropped) -> false);
                    }
                },
                0, 200, TimeUnit.MILLISECONDS);
        return EventStream.of(numbers, StreamOptions.builder()
                .onClose(reason -> {
                    producer.cancel(false); // the client is gone: stop producing
                    numbers.close();
                    LOG.log(Level.INFO, "/endless ended ({0}) after {1} events", reason, sent.get());
                })
                .build());
    }

    /**
     * {@code GET /echo?data=&event=&id=&retry=&comment=}: exactly one event made of the parameters; a parameter
     * that is given counts even when empty.
     */
    @GET
    @Path("echo")
    public EventStream echo(@QueryParam("data") String data, @QueryParam("event") String event,
            @QueryParam("id") String id, @QueryParam("retry") String retry, @QueryParam("comment") String comment) {
        // a parameter that is given is used even when empty: data= sends "data: ", id= resets the last event id
        SseEvent.Builder builder = SseEvent.builder();
        try {
            builder.data(data).event(event).id(id).comment(comment);
        } catch (IllegalArgumentException e) {
            throw JsonErrors.badRequest(e.getMessage());
        }
        if (retry != null) {
            if (retry.isEmpty() || !retry.chars().allMatch(c -> c >= '0' && c <= '9') || retry.length() > 18) {
                throw JsonErrors.badRequest("retry must be a non-negative decimal integer (milliseconds): "
                        + QueryParams.quote(retry));
            }
            builder.retry(Duration.ofMillis(Long.parseLong(retry)));
        }
        return EventStream.of(java.util.List.of(builder.build()));
    }

    /** {@code GET /bench/stream?n=N&size=S}: N events {@code id: i}, {@code data: <S bytes>}, as fast as possible. */
    @GET
    @Path("bench/stream")
    public EventStream benchStream(@QueryParam("n") String nParam, @QueryParam("size") String sizeParam) {
        long n = QueryParams.integer("n", nParam, 1000);
        long size = QueryParams.integer("size", sizeParam, 64);
        if (n < 0 || size < 0 || size > 1_000_000) {
            throw JsonErrors.badRequest("n must be >= 0 and size from 0 to 1000000: n=" + n + ", size=" + size);
        }
        return EventStream.of(new BenchEvents(n, "x".repeat((int) size)));
    }
}
