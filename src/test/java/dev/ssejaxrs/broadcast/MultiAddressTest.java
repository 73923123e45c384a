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

/** Several addresses on one stream, over HTTP: publish order across them, one id resumes them all. */
class MultiAddressTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final BroadcastApp.Running app = new BroadcastApp.Running(RegistryOptions.builder()
            .accessPolicy(AccessPolicy.anyone()).history(5000, Duration.ofHours(1)).subscriberQueue(20_000).build());
    private final EventRegistry registry = app.registry;

    @AfterEach
    void stop() {
        app.close();
    }

    private WebTarget events() {
        return app.target("events").queryParam("topic", "a", "b").queryParam("recipient", "r");
    }

    private static List<String> data(List<ReceivedEvent> events) {
        return events.stream().map(ReceivedEvent::data).toList();
    }

    @Test
    void twoTopicsAndARecipient_arriveOnOneStream_inPublishOrder() {
        try (OpenEventStream stream = EventStreamClient.open(events())) {
            await().atMost(WAIT).until(() -> registry.stats().subscribers() == 1);
            registry.publish("a", SseEvent.of("a1"));
            registry.publishToRecipient("r", SseEvent.of("r1"));
            registry.publish("b", SseEvent.of("b1"));
            registry.publish("elsewhere", SseEvent.of("not for this stream"));
            registry.publish("a", SseEvent.of("a2"));
            assertEquals(List.of("a1", "r1", "b1", "a2"), data(stream.collect(4, WAIT)));
        }
    }

    @Test
    void reconnectWithTheLastId_whilePublishingToEveryAddress_replaysAllOfThem_noGapNoDuplicate() throws Exception {
        int perAddress = 1000;
        List<ReceivedEvent> received = new ArrayList<>();
        try (OpenEventStream first = EventStreamClient.open(events())) {
            await().atMost(WAIT).until(() -> registry.stats().subscribers() == 1);
            List<CompletableFuture<Void>> publishers = new ArrayList<>();
            for (String name : List.of("a", "b", "r")) {
                Address address = name.equals("r") ? Address.recipient(name) : Address.topic(name);
                publishers.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < perAddress; i++) {
                        registry.publish(address, SseEvent.of(name + i));
                    }
                }));
            }
            received.addAll(first.collect(500, WAIT));
            first.close(); // publishing goes on meanwhile
            String last = received.get(received.size() - 1).lastEventId();
            try (OpenEventStream second = EventStreamClient.open(events(), last)) {
                for (CompletableFuture<Void> publisher : publishers) {
                    publisher.get(60, TimeUnit.SECONDS);
                }
                received.addAll(second.collect(3 * perAddress - 500, WAIT));
            }
        }
        for (String name : List.of("a", "b", "r")) {
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < perAddress; i++) {
                expected.add(name + i);
            }
            assertEquals(expected, data(received).stream().filter(d -> d.startsWith(name)).toList(), name);
        }
        for (int i = 1; i < received.size(); i++) {
            assertTrue(EventId.parse(received.get(i).lastEventId())
                    .isAfter(EventId.parse(received.get(i - 1).lastEventId())), "ids in publish order at " + i);
        }
    }
}
