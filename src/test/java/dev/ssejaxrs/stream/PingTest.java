package dev.ssejaxrs.stream;

import dev.ssejaxrs.test.RawClient;
import dev.ssejaxrs.test.TestServer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.ssejaxrs.event.SseEvent;

/** Keep-alive pings: format, count per tick, custom pings, disabled pings, and no interleaving with events. */
class PingTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void defaultPing_isACommentWithTheUtcTime() {
        ProbePublisher silent = new ProbePublisher();
        StreamOptions options = StreamOptions.builder().pingInterval(Duration.ofMillis(100)).build();
        try (TestServer server = Endpoints.serving(() -> EventStream.of(silent, options));
                RawClient client = server.get("/s")) {
            String body = client.readUntil("\r\n\r\n", WAIT);
            assertTrue(body.matches(": ping - \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z\r\n\r\n"),
                    RawClient.show(body));
        }
    }

    @Test
    void eachTick_sendsExactlyOnePing_andACustomPingReplacesTheDefault() throws InterruptedException {
        ProbePublisher publisher = new ProbePublisher();
        AtomicInteger pings = new AtomicInteger();
        StreamOptions options = StreamOptions.builder()
                .pingInterval(Duration.ofMillis(100))
                .pingEvent(() -> {
                    if (pings.incrementAndGet() == 3) {
                        publisher.complete(); // queued behind this third ping
                    }
                    return SseEvent.builder().event("ping").data("tick").build();
                })
                .build();
        long started = System.nanoTime();
        try (TestServer server = Endpoints.serving(() -> EventStream.of(publisher, options));
                RawClient client = server.get("/s")) {
            publisher.awaitSubscribed();
            String body = client.readToEnd(WAIT);
            assertEquals("event: ping\r\ndata: tick\r\n\r\n".repeat(3), body);
            assertTrue(System.nanoTime() - started >= Duration.ofMillis(300).toNanos(), "three ticks of 100 ms");
        }
    }

    @Test
    void zeroInterval_sendsNoPingsAtAll() throws InterruptedException {
        ProbePublisher publisher = new ProbePublisher();
        StreamOptions options = StreamOptions.builder().pingInterval(Duration.ZERO).build();
        try (TestServer server = Endpoints.serving(() -> EventStream.of(publisher, options));
                RawClient client = server.get("/s")) {
            publisher.awaitSubscribed();
            assertFalse(client.readFor(Duration.ofMillis(400)));
            assertTrue(publisher.emit("a"));
            publisher.complete();
            assertEquals("data: a\r\n\r\n", client.readToEnd(WAIT));
        }
    }

    @Test
    void pingsAndEvents_neverInterleaveBytes() {
        String data = "x".repeat(300);
        AtomicInteger left = new AtomicInteger(20_000);
        AtomicReference<ProbePublisher> ref = new AtomicReference<>();
        ProbePublisher publisher = new ProbePublisher(() -> {
            if (left.decrementAndGet() == 0) {
                ref.get().complete();
            }
            return data;
        });
        ref.set(publisher);
        StreamOptions options = StreamOptions.builder().pingInterval(Duration.ofMillis(1)).build();
        try (TestServer server = Endpoints.serving(() -> EventStream.of(publisher, options));
                RawClient client = server.get("/s")) {
            String body = client.readToEnd(Duration.ofSeconds(30));
            List<String> frames = Arrays.asList(body.split("\r\n\r\n", -1));
            assertEquals("", frames.get(frames.size() - 1));
            long events = frames.stream().filter(f -> f.equals("data: " + data)).count();
            long pings = frames.stream().filter(f -> f.startsWith(": ping - ") && f.length() < 60).count();
            assertEquals(frames.size() - 1, events + pings, "every frame is a whole event or a whole ping");
            assertTrue(events >= 19_999, "events: " + events);
        }
    }
}
