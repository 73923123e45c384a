package dev.ssejaxrs.broadcast;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.ws.rs.client.WebTarget;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.internal.store.EventId;
import dev.ssejaxrs.testing.EventStreamClient;
import dev.ssejaxrs.testing.OpenEventStream;
import dev.ssejaxrs.testing.ReceivedEvent;

/** A client that reconnects with {@code Last-Event-ID} gets what it missed, then live events: no gap, no duplicate. */
class ReplayTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final BroadcastApp.Running app = new BroadcastApp.Running(RegistryOptions.builder()
            .history(10, Duration.ofHours(1)).build());
    private final EventRegistry registry = app.registry;

    @AfterEach
    void stop() {
        app.close();
    }

    private WebTarget topic(String name) {
        return app.target("topics/" + name);
    }

    private static List<String> data(List<ReceivedEvent> events) {
        return events.stream().map(ReceivedEvent::data).toList();
    }

    /** Publishes each data as one event; returns the ids. */
    private List<String> publish(String topic, String... data) {
        List<String> ids = new ArrayList<>();
        for (String d : data) {
            ids.add(registry.publish(topic, SseEvent.of(d)).toCompletableFuture().join().id());
        }
        return ids;
    }

    @Test
    void assignedIds_areTimeOrderedAndIncreasing() {
        long before = System.currentTimeMillis();
        List<String> ids = publish("t", "a", "b", "c");
        ids.addAll(publish("other", "d"));
        EventId previous = null;
        for (String id : ids) {
            EventId parsed = EventId.parse(id);
            assertTrue(parsed != null && parsed.millis() >= before - 1, id);
            assertTrue(previous == null || parsed.isAfter(previous), ids.toString());
            previous = parsed;
        }
    }

    @Test
    void reconnectWithTheSecondId_replaysThreeToFive_thenLive() {
        List<String> ids = publish("t", "e1", "e2", "e3", "e4", "e5");
        try (OpenEventStream stream = EventStreamClient.open(topic("t"), ids.get(1))) {
            List<ReceivedEvent> replayed = stream.collect(3, WAIT);
            assertEquals(List.of("e3", "e4", "e5"), data(replayed));
            assertEquals(ids.subList(2, 5), replayed.stream().map(ReceivedEvent::lastEventId).toList());
            String live = publish("t", "e6").get(0);
            ReceivedEvent next = stream.next(WAIT);
            assertEquals("e6", next.data());
            assertEquals(live, next.lastEventId());
        }
    }

    @Test
    void lastEventIdAsQueryParameter_worksForClientsThatCannotSetHeaders() {
        List<String> ids = publish("q", "a", "b");
        try (OpenEventStream stream = EventStreamClient.open(topic("q").queryParam("lastEventId", ids.get(0)))) {
            assertEquals("b", stream.next(WAIT).data());
        }
    }

    @Test
    void anEvictedId_getsTheReplayIncompleteSignal_thenAllThatIsRetained() {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 15; i++) {
            ids.addAll(publish("old", "e" + i)); // the history keeps 10: e6..e15
        }
        try (OpenEventStream stream = EventStreamClient.open(topic("old"), ids.get(2))) {
            ReceivedEvent signal = stream.next(WAIT);
            assertEquals("replay-incomplete", signal.type());
            assertEquals(ids.get(2), signal.data());
            List<String> expected = new ArrayList<>();
            for (int i = 6; i <= 15; i++) {
                expected.add("e" + i);
            }
            assertEquals(expected, data(stream.collect(10, WAIT)));
        }
    }

    @Test
    void unknownMalformedOrHugeIds_areUnknown_andNeverEchoedBeyondTheLimit() {
        publish("odd", "a", "b");
        String huge = "9".repeat(1_000);
        for (String id : List.of("57", "not-an-id", "99999999999999-0", huge)) {
            try (OpenEventStream stream = EventStreamClient.open(topic("odd").queryParam("lastEventId", id))) {
                ReceivedEvent signal = stream.next(WAIT);
                assertEquals("replay-incomplete", signal.type(), id);
                assertEquals(id.length() > 256 ? id.substring(0, 256) : id, signal.data());
                assertEquals(List.of("a", "b"), data(stream.collect(2, WAIT)));
            }
        }
    }

    @Test
    void theNewestId_replaysNothing() {
        List<String> ids = publish("new", "a", "b");
        try (OpenEventStream stream = EventStreamClient.open(topic("new"), ids.get(1))) {
            await().atMost(WAIT).until(() -> registry.stats(Address.topic("new")).subscribers() == 1);
            publish("new", "c");
            assertEquals("c", stream.next(WAIT).data());
        }
    }

    @Test
    void publishingWhileReplaying_losesAndDuplicatesNothing() throws Exception {
        try (BroadcastApp.Running big = new BroadcastApp.Running(RegistryOptions.builder()
                .history(5000, Duration.ofHours(1)).subscriberQueue(10_000).build())) {
            List<String> ids = new ArrayList<>();
            for (int i = 1; i <= 1000; i++) {
                ids.add(big.registry.publish("race", SseEvent.of("e" + i)).toCompletableFuture().join().id());
            }
            CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> {
                for (int i = 1001; i <= 3000; i++) {
                    big.registry.publish("race", SseEvent.of("e" + i));
                }
            });
            List<ReceivedEvent> received;
            try (OpenEventStream stream = EventStreamClient.open(big.target("topics/race"), ids.get(499))) {
                publisher.get(30, TimeUnit.SECONDS);
                received = stream.collect(2500, WAIT);
            }
            for (int i = 0; i < 2500; i++) {
                assertEquals("e" + (501 + i), received.get(i).data(), "event " + i);
            }
        }
    }
}
