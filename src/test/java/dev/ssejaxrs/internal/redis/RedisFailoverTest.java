package dev.ssejaxrs.internal.redis;

import static dev.ssejaxrs.internal.redis.RedisEventLogTest.join;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.redis.RedisOptions;
import dev.ssejaxrs.redis.RedisProcess;
import dev.ssejaxrs.redis.RedisUnavailableException;

/** Redis stopped and started again under a reading, publishing node. */
class RedisFailoverTest {
    @RegisterExtension
    static final RedisProcess redis = RedisProcess.perTestClass();

    @Test
    void redisRestartedMidRead_publishFailsFastMeanwhile_thenEveryAcceptedEntryIsHandedOverExactlyOnce()
            throws Exception {
        RedisEventLogTest.Collector seen = new RedisEventLogTest.Collector();
        Duration commandTimeout = Duration.ofSeconds(10); // a refusal that waited for it would show
        RedisOptions options = RedisOptions.builder(redis.uri()).keyPrefix("failover").commandTimeout(commandTimeout)
                .build();
        List<Address> addresses = List.of(Address.topic("a"), Address.topic("b"), Address.recipient("c"));
        List<String> accepted = new CopyOnWriteArrayList<>();
        List<Throwable> refused = new CopyOnWriteArrayList<>();
        AtomicLong slowestRefusalNanos = new AtomicLong();
        AtomicBoolean restarted = new AtomicBoolean();
        AtomicLong acceptedAfterRestart = new AtomicLong();
        try (RedisEventLog log = RedisEventLog.start(options, seen)) {
            String start = join(log.latestId());
            addresses.forEach(a -> log.follow(a, start));
            Thread publisher = new Thread(() -> {
                for (int i = 0; i < 1_000_000 && acceptedAfterRestart.get() < 200; i++) {
                    long began = System.nanoTime();
                    try {
                        accepted.add(join(log.append(addresses.get(i % 3), SseEvent.of("e" + i))).id());
                        if (restarted.get()) {
                            acceptedAfterRestart.incrementAndGet();
                        }
                    } catch (CompletionException e) {
                        refused.add(e.getCause());
                        slowestRefusalNanos.accumulateAndGet(System.nanoTime() - began, Math::max);
                        LockSupport.parkNanos(1_000_000); // pacing: no point in refusing a million publishes
                    }
                }
            }, "test-publisher");
            publisher.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> accepted.size() >= 200);
            redis.stop();
            await().atMost(Duration.ofSeconds(20)).until(() -> refused.size() >= 20);
            Throwable refusal = refused.get(refused.size() - 1);
            assertInstanceOf(RedisUnavailableException.class, refusal);
            assertTrue(refusal.getMessage().contains("is unavailable") && refusal.getMessage().contains("127.0.0.1"),
                    refusal.getMessage());
            assertTrue(slowestRefusalNanos.get() < commandTimeout.toNanos(),
                    "refused at once, not after the command timeout: " + Duration.ofNanos(slowestRefusalNanos.get()));
            redis.restart();
            restarted.set(true);
            publisher.join(Duration.ofSeconds(60).toMillis());
            assertTrue(acceptedAfterRestart.get() >= 200, "publishing resumed by itself");

            List<String> inRedis = new ArrayList<>();
            for (Address a : addresses) {
                inRedis.addAll(RedisEventLogTest.ids(join(log.replay(a, "0-1", 100_000)).entries()));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() >= inRedis.size());
            List<String> handedOver = seen.ids();
            assertEquals(inRedis.size(), handedOver.size(), "no duplicate");
            assertEquals(new HashSet<>(inRedis), new HashSet<>(handedOver), "exactly what Redis holds");
            Set<String> all = new HashSet<>(handedOver);
            assertTrue(all.containsAll(accepted), "every accepted publish arrived");
            List<String> ordered = new ArrayList<>(handedOver);
            ordered.sort(Ids::compare);
            assertEquals(ordered, handedOver, "in id order");
            assertEquals(0, seen.gaps.get());
        }
    }

    @Test
    void presenceChangesDuringAnOutage_reachRedisWhenItIsBack() {
        RedisOptions options = RedisOptions.builder(redis.uri()).keyPrefix("presence").build();
        try (RedisEventLog node = RedisEventLog.start(options, new RedisEventLogTest.Collector())) {
            join(node.online("left-during-outage"));
            redis.stop();
            try {
                node.offline("left-during-outage").toCompletableFuture().join();
            } catch (CompletionException expected) {
                assertInstanceOf(RedisUnavailableException.class, expected.getCause());
            }
            node.online("came-during-outage"); // fails too: Redis is away
            redis.restart();
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() ->
                    join(node.append(Address.recipient("left-during-outage"), SseEvent.of("x"))).queued() == 1);
            assertEquals(0, join(node.append(Address.recipient("came-during-outage"), SseEvent.of("y"))).queued(),
                    "registered on reconnect");
        }
    }

    @Test
    void startingWithoutRedis_failsWithTheRedactedAddress() {
        RedisOptions options = RedisOptions.builder("redis://:secret@127.0.0.1:1").connectTimeout(Duration.ofMillis(500))
                .build();
        RedisUnavailableException e = assertThrows(RedisUnavailableException.class,
                () -> RedisEventLog.start(options, new RedisEventLogTest.Collector()));
        assertTrue(e.getMessage().contains("redis://:***@127.0.0.1:1"), e.getMessage());
        assertTrue(!e.getMessage().contains("secret"), e.getMessage());
    }
}
