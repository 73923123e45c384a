package dev.ssejaxrs.broadcast;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import dev.ssejaxrs.redis.RedisOptions;

/**
 * A node for {@link RedisPageFeaturesTest}'s crash test, run as a JVM of its own: a registry on the Redis and key
 * prefix given, with {@code n} streams of a topic open, then "ready" on standard output; it runs until killed.
 */
public final class PresenceNode {
    private PresenceNode() {
    }

    /**
     * Arguments: Redis URI, key prefix, presence TTL in milliseconds, topic, number of streams.
     *
     * @param args the arguments
     * @throws InterruptedException never: the process is killed
     */
    public static void main(String[] args) throws InterruptedException {
        EventRegistry registry = new EventRegistry(RegistryOptions.builder()
                .redis(RedisOptions.builder(args[0]).keyPrefix(args[1])
                        .connectTimeout(Duration.ofSeconds(20)).commandTimeout(Duration.ofSeconds(20)) // a busy CI
                        .presenceTtl(Duration.ofMillis(Long.parseLong(args[2]))).build())
                .build());
        List<Collected> streams = new ArrayList<>();
        for (int i = 0; i < Integer.parseInt(args[4]); i++) {
            streams.add(PageFeaturesContract.join(registry, Caller.of("crashing" + i, Set.of()), null,
                    Address.topic(args[3])));
        }
        System.out.println("ready " + streams.size());
        System.out.flush();
        new CountDownLatch(1).await(); // until kill -9
    }
}
