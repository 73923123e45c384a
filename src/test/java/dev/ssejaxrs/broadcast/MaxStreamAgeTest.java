package dev.ssejaxrs.broadcast;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.test.RawClient;
import dev.ssejaxrs.testing.EventStreamClient;
import dev.ssejaxrs.testing.OpenEventStream;
import dev.ssejaxrs.testing.ReceivedEvent;

/**
 * A maximum stream age with jitter (issue 26, item 2), on a real server: each stream ends between the age less the
 * jitter and the age, after an {@code event: stream-expired} without an id, the ends spread by the jitter; the
 * client's reconnect with {@code Last-Event-ID} misses nothing; the end is counted as {@code MAX_STREAM_AGE}.
 */
class MaxStreamAgeTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void aStreamEndsAtItsMaximumAge_withItsOwnEvent_andTheResumeMissesNothing() {
        try (BroadcastApp.Running app = new BroadcastApp.Running(RegistryOptions.builder()
                .maxStreamAge(Duration.ofMillis(1500), Duration.ofMillis(500)).build())) {
            String one;
            long opened = System.nanoTime();
            try (OpenEventStream stream = EventStreamClient.open(app.target("topics/news"))) {
                await().atMost(WAIT).until(() -> app.registry.stats(Address.topic("news")).subscribers() == 1);
                app.registry.publish("news", SseEvent.of("one"));
                ReceivedEvent first = stream.next(WAIT);
                assertEquals("one", first.data());
                one = first.lastEventId();
                ReceivedEvent last = stream.next(WAIT);
                assertEquals("stream-expired", last.type(), last.toString());
                assertEquals(one, last.lastEventId(), "the age event has no id of its own");
                stream.awaitEnd(WAIT);
                long millis = (System.nanoTime() - opened) / 1_000_000;
                assertTrue(millis >= 1000, "not before the age less the jitter: " + millis + " ms");
            }
            await().atMost(WAIT).until(() -> app.registry.stats().disconnects().getOrDefault("MAX_STREAM_AGE", 0L)
                    == 1L);
            app.registry.publish("news", SseEvent.of("two")); // while the browser waits to reconnect
            try (OpenEventStream resumed = EventStreamClient.open(app.target("topics/news"), one)) {
                assertEquals("two", resumed.next(WAIT).data(), "nothing lost between the end and the reconnect");
            }
        }
    }

    @Test
    void streamsOpenedTogether_endSpreadOverTheJitter_neverBeforeTheAgeLessIt() {
        int streams = 8;
        try (BroadcastApp.Running app = new BroadcastApp.Running(RegistryOptions.builder()
                .maxStreamAge(Duration.ofMillis(2000), Duration.ofMillis(1500)).build())) {
            long opened = System.nanoTime();
            List<CompletableFuture<Long>> ending = new ArrayList<>();
            ExecutorService readers = Executors.newFixedThreadPool(streams);
            try {
                for (int i = 0; i < streams; i++) {
                    ending.add(CompletableFuture.supplyAsync(() -> { // each read on its own: ends as they come
                        try (RawClient client = app.server.get("/topics/deploy")) {
                            String body = client.readToEnd(WAIT);
                            assertTrue(body.contains("event: stream-expired\r\n"), body);
                            return (System.nanoTime() - opened) / 1_000_000;
                        }
                    }, readers));
                }
                CompletableFuture.allOf(ending.toArray(new CompletableFuture<?>[0])).join();
            } finally {
                readers.shutdownNow();
            }
            List<Long> ends = new ArrayList<>(ending.stream().map(CompletableFuture::join).toList());
            ends.sort(null);
            assertTrue(ends.get(0) >= 500, "none before the age less the jitter: " + ends);
            // 8 draws from 1.5 s all within 150 ms of each other: about 1 chance in 10^7
            assertTrue(ends.get(streams - 1) - ends.get(0) >= 150, "spread by the jitter: " + ends);
            await().atMost(WAIT).until(() -> app.registry.stats().disconnects().getOrDefault("MAX_STREAM_AGE", 0L)
                    == streams);
        }
    }

    @Test
    void theOptionChecksItsArguments_andIsOffByDefault() {
        assertNull(RegistryOptions.defaults().maxStreamAge());
        assertEquals(Duration.ZERO, RegistryOptions.defaults().maxStreamAgeJitter());
        IllegalArgumentException tooMuchJitter = assertThrows(IllegalArgumentException.class,
                () -> RegistryOptions.builder().maxStreamAge(Duration.ofMinutes(1), Duration.ofMinutes(1)));
        assertEquals("maxStreamAge jitter must be zero or more and less than the age PT1M: PT1M",
                tooMuchJitter.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> RegistryOptions.builder().maxStreamAge(Duration.ZERO, Duration.ZERO));
    }
}
