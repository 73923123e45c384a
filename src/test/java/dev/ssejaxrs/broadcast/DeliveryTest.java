package dev.ssejaxrs.broadcast;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import jakarta.ws.rs.client.WebTarget;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.test.TestServer;
import dev.ssejaxrs.testing.EventStreamClient;
import dev.ssejaxrs.testing.OpenEventStream;
import dev.ssejaxrs.testing.ReceivedEvent;

/** Topics and recipients deliver every event, in order, to the right connections. */
class DeliveryTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final BroadcastApp.Running app = new BroadcastApp.Running(
            RegistryOptions.builder().accessPolicy(AccessPolicy.anyone()).build());
    private final EventRegistry registry = app.registry;
    private final TestServer server = app.server;

    @AfterEach
    void stop() {
        app.close();
    }

    private WebTarget target(String path) {
        return app.target(path);
    }

    private static List<String> data(List<ReceivedEvent> events) {
        return events.stream().map(ReceivedEvent::data).toList();
    }

    private void awaitSubscribers(Address address, int count) {
        await().atMost(WAIT).until(() -> registry.stats(address).subscribers() == count);
    }

    @Test
    void hundredEvents_reachFiftySubscribersInOrder() {
        List<OpenEventStream> streams = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                streams.add(EventStreamClient.open(target("topics/news")));
            }
            awaitSubscribers(Address.topic("news"), 50);
            List<String> ids = new ArrayList<>();
            for (int i = 1; i <= 100; i++) {
                Delivery delivery = registry.publish("news", SseEvent.of("n" + i)).toCompletableFuture().join();
                assertEquals(50, delivery.delivered(), delivery.toString());
                ids.add(delivery.id());
            }
            List<String> expected = IntStream.rangeClosed(1, 100).mapToObj(i -> "n" + i).toList();
            for (OpenEventStream stream : streams) {
                List<ReceivedEvent> events = stream.collect(100, WAIT);
                assertEquals(expected, data(events));
                assertEquals(ids, events.stream().map(ReceivedEvent::lastEventId).toList());
            }
        } finally {
            streams.forEach(OpenEventStream::close);
        }
    }

    @Test
    void recipients_areIsolated_andEveryConnectionOfOneReceives() {
        try (OpenEventStream aliceTab1 = EventStreamClient.open(target("recipients/alice"));
                OpenEventStream aliceTab2 = EventStreamClient.open(target("recipients/alice"));
                OpenEventStream bob = EventStreamClient.open(target("recipients/bob"))) {
            awaitSubscribers(Address.recipient("alice"), 2);
            awaitSubscribers(Address.recipient("bob"), 1);
            registry.publishToRecipient("alice", SseEvent.of("for alice"));
            registry.publishToRecipient("bob", SseEvent.of("for bob"));
            assertEquals("for alice", aliceTab1.next(WAIT).data());
            assertEquals("for alice", aliceTab2.next(WAIT).data());
            assertEquals("for bob", bob.next(WAIT).data());
            registry.publishToRecipient("alice", SseEvent.of("again"));
            assertEquals("again", aliceTab1.next(WAIT).data());
            assertEquals("again", aliceTab2.next(WAIT).data());
            AssertionError none = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                    () -> bob.next(Duration.ofMillis(300)));
            assertTrue(none.getMessage().contains("for bob"), none.getMessage());
        }
    }

    @Test
    void eventsSentBeforeTheRecipientSubscribes_waitAndArriveInOrder() {
        for (int i = 1; i <= 3; i++) {
            Delivery delivery = registry.publishToRecipient("carol", SseEvent.of("queued " + i))
                    .toCompletableFuture().join();
            assertEquals(1, delivery.queued());
            assertEquals(0, delivery.delivered());
        }
        assertEquals(3, registry.stats(Address.recipient("carol")).queued());
        try (OpenEventStream carol = EventStreamClient.open(target("recipients/carol"))) {
            assertEquals(List.of("queued 1", "queued 2", "queued 3"), data(carol.collect(3, WAIT)));
            awaitSubscribers(Address.recipient("carol"), 1);
            registry.publishToRecipient("carol", SseEvent.of("live"));
            assertEquals("live", carol.next(WAIT).data());
        }
        assertEquals(0, registry.stats(Address.recipient("carol")).queued());
    }

    @Test
    void churnOfTwoThousandSubscriptions_leavesNoSubscriberBehind() {
        Address address = Address.topic("churn");
        for (int i = 0; i < 2000; i++) {
            try (var client = dev.ssejaxrs.test.RawClient.get(server.port, "/topics/churn")) {
                if (i % 500 == 0) {
                    await().atMost(WAIT).until(() -> registry.stats(address).subscribers() == 1);
                    registry.publish(address, SseEvent.of("tick " + i));
                    client.readUntil("data: tick " + i, WAIT);
                }
            }
        }
        await().atMost(WAIT).until(() -> registry.stats(address).subscribers() == 0);
        await().atMost(WAIT).until(() -> server.runtime().activeStreams() == 0);
        await().atMost(WAIT).until(() -> registry.stats().disconnects().values().stream()
                .mapToLong(Long::longValue).sum() == 2000);
        assertEquals(0, registry.stats().subscribers(), registry.stats().toString());
    }

    @Test
    void aPublishedEvent_keepsItsOwnId_andItResumesLikeAnAssignedOne() {
        try (OpenEventStream stream = EventStreamClient.open(target("topics/ids"))) {
            awaitSubscribers(Address.topic("ids"), 1);
            assertEquals("custom-7",
                    registry.publish("ids", SseEvent.builder().id("custom-7").data("x").build())
                            .toCompletableFuture().join().id());
            assertEquals("custom-7", stream.next(WAIT).lastEventId());
        }
        String assigned = registry.publish("ids", SseEvent.of("y")).toCompletableFuture().join().id();
        assertTrue(assigned.matches("\\d{13}-\\d+"), assigned);
        try (OpenEventStream resumed = EventStreamClient.open(target("topics/ids"), "custom-7")) {
            ReceivedEvent next = resumed.next(WAIT);
            assertEquals("y", next.data());
            assertEquals(assigned, next.lastEventId());
        }
    }
}
