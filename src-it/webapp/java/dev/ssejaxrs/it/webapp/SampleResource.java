package dev.ssejaxrs.it.webapp;

import java.time.Duration;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.SseEventSink;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.stream.EventStream;
import dev.ssejaxrs.stream.SseRuntime;
import dev.ssejaxrs.stream.StreamOptions;

/**
 * The sample's streams: numbers with a delay (returned, or sent to an injected sink), an endless stream that only
 * pings, a firehose of large events, a stream that completes at once, and {@code /stats} with the application's
 * open streams and how its streams ended.
 */
@Path("/")
public class SampleResource {
    @Context
    private SseRuntime runtime;

    /** {@code count} numbers, {@code delayMs} apart; the first after {@code firstDelayMs} (default: delayMs). */
    @GET
    @Path("numbers")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public EventStream numbers(@QueryParam("count") @DefaultValue("5") int count,
            @QueryParam("delayMs") @DefaultValue("200") long delayMs,
            @QueryParam("firstDelayMs") @DefaultValue("-1") long firstDelayMs) {
        return EventStream.of(slowNumbers(count, delayMs, firstDelayMs < 0 ? delayMs : firstDelayMs), withCloseLog());
    }

    /** As {@code /numbers}, through the standard {@code SseEventSink}. */
    @GET
    @Path("sink-numbers")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void sinkNumbers(@Context SseEventSink sink, @QueryParam("count") @DefaultValue("5") int count,
            @QueryParam("delayMs") @DefaultValue("200") long delayMs,
            @QueryParam("firstDelayMs") @DefaultValue("-1") long firstDelayMs) {
        EventStream.of(slowNumbers(count, delayMs, firstDelayMs < 0 ? delayMs : firstDelayMs), withCloseLog())
                .sendTo(sink);
    }

    /**
     * One {@code hello} event, then nothing but pings every {@code pingMs} until the client leaves or the application
     * stops (then a {@code shutdown} event says goodbye). A client that left is noticed by the next ping at the latest.
     */
    @GET
    @Path("endless")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public EventStream endless(@QueryParam("pingMs") @DefaultValue("200") long pingMs) {
        Flow.Publisher<String> helloThenSilence = subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
            private boolean greeted;

            @Override
            public synchronized void request(long n) {
                if (!greeted && n > 0) {
                    greeted = true;
                    subscriber.onNext("hello");
                }
            }

            @Override
            public void cancel() {
            }
        });
        return EventStream.of(helloThenSilence, StreamOptions.builder()
                .pingInterval(Duration.ofMillis(pingMs))
                .farewellEvent(SseEvent.builder().event("shutdown").data("bye").build())
                .onClose(CloseLog.of(runtime)::record)
                .build());
    }

    /**
     * Events of {@code size} bytes, numbered by {@code id}, every {@code everyMs} until the client leaves; a client
     * that reads nothing for {@code sendTimeoutMs} is dropped.
     */
    @GET
    @Path("firehose")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public EventStream firehose(@QueryParam("size") @DefaultValue("32768") int size,
            @QueryParam("everyMs") @DefaultValue("50") long everyMs,
            @QueryParam("sendTimeoutMs") @DefaultValue("2000") long sendTimeoutMs) {
        String payload = "f".repeat(size);
        Stream<SseEvent> events = Stream.iterate(1, i -> i + 1).map(i -> {
            sleep(everyMs); // on a reader thread of the runtime; cancelling the stream interrupts it
            return SseEvent.builder().id(Integer.toString(i)).data(payload).build();
        });
        return EventStream.of(events, StreamOptions.builder()
                .sendTimeout(Duration.ofMillis(sendTimeoutMs))
                .onClose(CloseLog.of(runtime)::record)
                .build());
    }

    /** One event from a publisher that completes inside {@code subscribe}, before Jersey suspends the response. */
    @GET
    @Path("at-once")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public EventStream atOnce() {
        Flow.Publisher<String> completesAtOnce = subscriber -> {
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                }

                @Override
                public void cancel() {
                }
            });
            subscriber.onNext("at once"); // the stream asked for a window in onSubscribe
            subscriber.onComplete();
        };
        return EventStream.of(completesAtOnce, withCloseLog());
    }

    /**
     * The open streams, how the streams ended, and {@code threadsInWrites}: the threads inside a write or flush of
     * an event stream's connection right now (a write that waits for a client would show here).
     */
    @GET
    @Path("stats")
    @Produces(MediaType.APPLICATION_JSON)
    public String stats() {
        long threadsInWrites = Thread.getAllStackTraces().values().stream()
                .filter(stack -> java.util.Arrays.stream(stack).anyMatch(frame ->
                        frame.getClassName().startsWith("dev.ssejaxrs.stream.")
                                && frame.getClassName().endsWith("Connection")
                                && (frame.getMethodName().equals("write") || frame.getMethodName().equals("flush"))))
                .count();
        return "{\"activeStreams\":" + runtime.activeStreams() + ",\"threadsInWrites\":" + threadsInWrites
                + ",\"closed\":{" + CloseLog.of(runtime).asJsonMembers() + "}}";
    }

    private StreamOptions withCloseLog() {
        return StreamOptions.builder().onClose(CloseLog.of(runtime)::record).build();
    }

    /** Read on a worker thread of the runtime, so sleeping here is how a slow source looks. */
    private static Stream<String> slowNumbers(int count, long delayMs, long firstDelayMs) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> {
            sleep(i == 1 ? firstDelayMs : delayMs);
            return Integer.toString(i);
        });
    }

    private static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: the stream was cancelled", e);
        }
    }
}
