package dev.ssejaxrs.broadcast;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.ws.rs.client.WebTarget;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.test.TestServer;
import dev.ssejaxrs.testing.EventStreamClient;
import dev.ssejaxrs.testing.OpenEventStream;
import dev.ssejaxrs.testing.ReceivedEvent;

/** A client that reconnects with {@code Last-Event-ID} gets what it missed, then live events: no gap, no duplicate. */
class ReplayTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final BroadcastApp.Running app = new BroadcastApp.Running(RegistryOptions.builder()
            .history(10, Duration.ofHours(1)).build());
    private final EventRegistry registry = app.registry;
    private final TestServer server = app.server;

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

    private void publish(String topic, String... data) {
        for (String d : data) {
            registry.publish(topic, SseEvent.of(d));
        }
    }

    @Test
    void reconnectWithTheSecondId_replaysThreeToFive_thenLive() {
        publish("t", "e1", "e2", "e3", "e4", "e5");
        try (OpenEventStream stream = EventStreamClient.open(topic("t"), "2")) {
            List<ReceivedEvent> replayed = stream.collect(3, WAIT);
            assertEquals(List.of("e3", "e4", "e5"), data(replayed));
            assertEquals(List.of("3", "4", "5"), replayed.stream().map(ReceivedEvent::lastEventId).toList());
            publish("t", "e6");
            ReceivedEvent live = stream.next(WAIT);
            assertEquals("e6", live.data());
            assertEquals("6", live.lastEventId());
        }
    }

    @Test
    void lastEventIdAsQueryParameter_worksForClientsThatCannotSetHeaders() {
        publish("q", "a", "b");
        try (OpenEventStream stream = EventStreamClient.open(topic("q").queryParam("lastEventId", "1"))) {
            assertEquals("b", stream.next(WAIT).data());
        }
    }

    @Test
    void anEvictedId_getsTheReplayIncompleteSignal_thenAllThatIsRetained() {
        for (int i = 1; i <= 15; i++) {
            publish("old", "e" + i); // the history keeps 10: e6..e15
        }
        try (OpenEventStream stream = EventStreamClient.open(topic("old"), "3")) {
            ReceivedEvent signal = stream.next(WAIT);
            assertEquals("replay-incomplete", signal.type());
            assertEquals("3", signal.data());
            List<String> expected = new ArrayList<>();
            for (int i = 6; i <= 15; i++) {
                expected.add("e" + i);
            }
            assertEquals(expected, data(stream.collect(10, WAIT)));
        }
    }

    @Test
    void theNewestId_replaysNothing() {
        publish("new", "a", "b");
        try (OpenEventStream stream = EventStreamClient.open(topic("new"), "2")) {
            await().atMost(WAIT).until(() -> registry.stats().get(Address.topic("new")).subscribers() == 1);
            publish("new", "c");
            assertEquals("c", stream.next(WAIT).data());
        }
    }

    @Test
    void publishingWhileReplaying_losesAndDuplicatesNothing() throws Exception {
        try (BroadcastApp.Running big = new BroadcastApp.Running(RegistryOptions.builder()
                .history(5000, Duration.ofHours(1)).subscriberQueue(10_000).build())) {
            for (int i = 1; i <= 1000; i++) {
                big.registry.publish("race", SseEvent.of("e" + i));
            }
            CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> {
                for (int i = 1001; i <= 3000; i++) {
                    big.registry.publish("race", SseEvent.of("e" + i));
                }
            });
            List<ReceivedEvent> received;
            try (OpenEventStream stream = EventStreamClient.open(big.target("topics/race"), "500")) {
                publisher.get(30, TimeUnit.SECONDS);
                received = stream.collect(2500, WAIT);
            }
            for (int i = 0; i < 2500; i++) {
                assertEquals("e" + (501 + i), received.get(i).data(), "event " + i);
                assertEquals(Integer.toString(501 + i), received.get(i).lastEventId());
            }
        }
    }
}
