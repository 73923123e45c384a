package dev.ssejaxrs.broadcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.test.ClassPathWithout;
import dev.ssejaxrs.test.EverydayApplication;

/**
 * Without Redis configured, the registry never touches Lettuce: it works on a class path without {@code io.lettuce};
 * configured for Redis there, it says what to add with an ordinary exception.
 */
class WithoutLettuceTest {
    private static ClassPathWithout withoutLettuce() {
        return ClassPathWithout.dependency("io.lettuce.", "io.lettuce.core.RedisClient");
    }

    /** Runs without Lettuce: a memory registry publishes and counts; a Redis one cannot start. */
    public static final class Scenario {
        public static long publishInMemory() {
            try (EventRegistry registry = new EventRegistry(RegistryOptions.defaults())) {
                registry.publish("news", SseEvent.of("x")).toCompletableFuture().join();
                return registry.stats().published();
            }
        }

        public static void startOnRedis() {
            new EventRegistry(RegistryOptions.builder().redis("redis://127.0.0.1:1").build()).close();
        }
    }

    @Test
    void aRegistryWithoutRedis_neverLoadsLettuce() throws Throwable {
        assertEquals(1L, withoutLettuce().run(Scenario.class, "publishInMemory"));
        assertEquals(EverydayApplication.expected(), withoutLettuce().run(EverydayApplication.class, "run"));
    }

    @Test
    void aRegistryOnRedis_withoutLettuce_saysWhatToAdd() {
        Throwable failure = withoutLettuce().failure(Scenario.class, "startOnRedis");
        assertEquals(IllegalStateException.class, failure.getClass(), failure.toString());
        assertTrue(failure.getMessage().contains("add io.lettuce:lettuce-core"), failure.getMessage());
    }
}
