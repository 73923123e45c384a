package dev.ssejaxrs.broadcast;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.stream.StreamOptions;
import dev.ssejaxrs.test.RawClient;
import dev.ssejaxrs.test.TestServer;

/** One slow or frozen subscriber never holds the others back; the policy decides what it gets. */
class SlowConsumerTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void oneFrozenSubscriberAmongHundred_othersReceiveEverything_frozenOneIsDisconnected() throws Exception {
        EventRegistry registry = new EventRegistry(RegistryOptions.builder()
                .subscriberQueue(128)
                .streamOptions(StreamOptions.builder().sendTimeout(Duration.ofSeconds(1)).build())
                .build());
        Address address = Address.topic("load");
        String payload = "p".repeat(500);
        ExecutorService readers = Executors.newFixedThreadPool(16);
        try (TestServer server = BroadcastApp.serve(registry, 16 * 1024)) {
            RawClient frozen = RawClient.request(server.port, "GET", "/topics/load", null, 4096);
            List<RawClient> others = new ArrayList<>();
            for (int i = 0; i < 99; i++) {
                others.add(server.get("/topics/load"));
            }
            await().atMost(WAIT).until(() -> registry.stats(address).subscribers() == 100);
            // 2,000 events (1 MB per subscriber) in bursts the healthy readers keep up with
            for (int burst = 1; burst <= 10; burst++) {
                for (int i = 1; i <= 200; i++) {
                    registry.publish(address, SseEvent.of(payload + ((burst - 1) * 200 + i)));
                }
                String last = "data: " + payload + burst * 200 + "\r\n";
                List<CompletableFuture<Void>> done = new ArrayList<>();
                for (RawClient other : others) {
                    done.add(CompletableFuture.runAsync(() -> other.readUntil(last, WAIT), readers));
                }
                for (CompletableFuture<Void> d : done) {
                    d.get(60, TimeUnit.SECONDS);
                }
            }
            // the others still get a new event at once: the frozen subscriber delays nobody
            long start = System.nanoTime();
            registry.publish(address, SseEvent.of("marker"));
            for (RawClient other : others) {
                other.readUntil("data: marker\r\n", WAIT);
            }
            long markerMillis = (System.nanoTime() - start) / 1_000_000;
            // generous for a loaded 2-core machine; a head-of-line block would last until the frozen client's
            // send timeout, per event
            assertTrue(markerMillis < 5000, "marker took " + markerMillis + " ms");
            // the frozen one was ended by the policy (or its send timeout), and unregistered
            await().atMost(WAIT).untilAsserted(() -> assertEquals(99, registry.stats(address).subscribers(),
                    registry.stats(address) + " active streams " + server.runtime().activeStreams()));
            var disconnects = registry.stats().disconnects();
            assertEquals(1L, disconnects.getOrDefault("SLOW_CONSUMER", 0L)
                    + disconnects.getOrDefault("SEND_TIMEOUT", 0L), disconnects.toString());
            frozen.close();
            others.forEach(RawClient::close);
            await().atMost(WAIT).until(() -> registry.stats(address).subscribers() == 0);
        } finally {
            readers.shutdownNow();
        }
    }

    /** A subscriber whose stream takes nothing yet, to look at its queue through the policy. */
    private static List<String> queuedAfter(SlowConsumerPolicy policy, String... events) {
        try (EventRegistry registry = new EventRegistry(RegistryOptions.builder().subscriberQueue(3)
                .slowConsumerPolicy(policy).build())) {
            List<String> received = new ArrayList<>();
            boolean[] completed = {false};
            Flow.Subscription[] subscription = new Flow.Subscription[1];
            registry.subscribe(Address.topic("q")).queue().subscribe(new Flow.Subscriber<Object>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    subscription[0] = s;
                }

                @Override
                public void onNext(Object item) {
                    SseEvent event = (SseEvent) item;
                    received.add(event.event() + "=" + event.data());
                }

                @Override
                public void onError(Throwable t) {
                    received.add("error");
                }

                @Override
                public void onComplete() {
                    completed[0] = true;
                }
            });
            for (String e : events) {
                String[] parts = e.split("=");
                registry.publish("q", SseEvent.builder().event(parts[0]).data(parts[1]).build());
            }
            subscription[0].request(100);
            if (completed[0]) {
                received.add("completed");
            }
            return received;
        }
    }

    @Test
    void dropOldest_keepsTheNewest() {
        assertEquals(List.of("a=3", "a=4", "a=5"),
                queuedAfter(SlowConsumerPolicy.dropOldest(), "a=1", "a=2", "a=3", "a=4", "a=5"));
    }

    @Test
    void latestPerKey_keepsTheLatestEventOfEachKey() {
        assertEquals(List.of("disk=1", "mem=2", "cpu=3"), // a replaced key goes to the end of the queue
                queuedAfter(SlowConsumerPolicy.latestPerKey(SseEvent::event),
                        "cpu=1", "mem=1", "disk=1", "cpu=2", "mem=2", "cpu=3"));
    }

    @Test
    void disconnect_endsTheSubscriberWhenItsQueueOverflows() {
        assertEquals(List.of("completed"),
                queuedAfter(SlowConsumerPolicy.disconnect(), "a=1", "a=2", "a=3", "a=4"));
    }
}
