package dev.ssejaxrs.broadcast;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

import org.junit.jupiter.api.Test;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.internal.store.MemoryChannelStore;
import dev.ssejaxrs.test.RawClient;

/** Addresses come from URLs: however many a client invents, the registry keeps a bounded number. */
class BoundedMemoryTest {
    private static final int ADDRESSES = 100_000;
    /** Generous: an address with one retained event costs well under 1 KB. */
    private static final long BYTES_PER_ADDRESS = 2048;

    @Test
    void hundredThousandTopics_subscribedAndLeft_thenPublishedToOnce_keepAtMostTheCap() throws Exception {
        long before = heapAfterGc();
        try (EventRegistry registry = new EventRegistry(RegistryOptions.defaults())) {
            for (int i = 0; i < ADDRESSES; i++) {
                Collected.from(registry.subscribe(Address.topic("s" + i)).queue()).cancel();
            }
            assertEquals(0, registry.stats().addresses(), "idle addresses are removed at once");
            for (int i = 0; i < ADDRESSES; i++) {
                registry.publish(Address.topic("p" + i), SseEvent.of("event " + i));
            }
            RegistryStats stats = registry.stats();
            int cap = RegistryOptions.defaults().maxAddresses();
            assertEquals(cap, stats.addresses());
            assertEquals(ADDRESSES - cap, stats.evicted());
            assertEquals(cap, stats.retained());
            long used = heapAfterGc() - before;
            System.err.printf("100,000 topics, cap %,d: %,d bytes of heap kept (%,d per kept address)%n", cap, used,
                    used / cap);
            assertTrue(used < cap * BYTES_PER_ADDRESS, "heap kept: " + used + " bytes");
            try (Jsonb json = JsonbBuilder.create()) {
                String serialized = json.toJson(stats);
                assertEquals(EventRegistry.BUSIEST, stats.busiest().size());
                assertTrue(serialized.length() < 10_000, serialized.length() + " bytes: " + serialized);
            }
        }
    }

    @Test
    void topicsOpenedOverHttpAndClosedAtOnce_leaveNothing() {
        try (BroadcastApp.Running app = new BroadcastApp.Running(RegistryOptions.builder().maxAddresses(50).build())) {
            for (int i = 0; i < 300; i++) {
                try (RawClient client = app.server.get("/topics/t" + i)) {
                    assertEquals(200, client.status());
                }
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> app.server.runtime().activeStreams() == 0);
            await().atMost(Duration.ofSeconds(20)).until(() -> app.registry.stats().addresses() == 0);
            assertEquals(0, app.registry.stats().subscribers());
        }
    }

    @Test
    void badNames_areRefusedBeforeAnyStateExists() {
        try (BroadcastApp.Running app = new BroadcastApp.Running(RegistryOptions.defaults())) {
            try (RawClient longName = app.server.get("/topics/" + "x".repeat(201))) {
                assertEquals(400, longName.status());
                assertTrue(longName.readToEnd(Duration.ofSeconds(10)).contains("topic name must match"));
            }
            try (RawClient control = app.server.get("/topics/a%01b")) {
                assertEquals(400, control.status());
            }
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> app.registry.publish(Address.recipient("x".repeat(5000)), SseEvent.of("x")));
            assertTrue(refused.getMessage().startsWith("recipient name must match"), refused.getMessage());
            assertTrue(refused.getMessage().length() < 200, refused.getMessage());
            assertEquals(0, app.registry.stats().addresses());
        }
    }

    @Test
    void theExpiryThread_livesOnlyWhileSomethingWaitsToExpire_andEndsWithTheRegistry() {
        EventRegistry registry = new EventRegistry(RegistryOptions.builder().history(10, Duration.ofMillis(200))
                .build());
        String name = ((MemoryChannelStore) registry.store).expiryThreadName();
        try {
            assertTrue(!threadNamed(name), "no thread before anything is retained");
            registry.publish("soon-gone", SseEvent.of("x"));
            assertTrue(threadNamed(name));
            await().atMost(Duration.ofSeconds(10)).until(() -> registry.stats().addresses() == 0);
            await().atMost(Duration.ofSeconds(20)).until(() -> !threadNamed(name)); // its keep-alive: 1 s
            registry.publish("again", SseEvent.of("y"));
            assertTrue(threadNamed(name));
        } finally {
            registry.close();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !threadNamed(name));
    }

    private static boolean threadNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    private static long heapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) { // the lowest of a few full collections: what is really kept
            System.gc();
            Thread.onSpinWait();
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
