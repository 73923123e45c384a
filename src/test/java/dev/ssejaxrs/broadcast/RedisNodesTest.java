package dev.ssejaxrs.broadcast;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;


import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.internal.redis.RedisChannelStore;
import dev.ssejaxrs.internal.store.ConnectionQueue;
import dev.ssejaxrs.redis.RedisOptions;
import dev.ssejaxrs.redis.RedisProcess;
import dev.ssejaxrs.redis.RedisUnavailableException;
import dev.ssejaxrs.testing.OpenEventStream;

/**
 * Several nodes on one real redis-server ({@link SeveralNodesContract}), and what only Redis does: Redis stopped and
 * restarted mid-stream, and the connections a node keeps.
 */
class RedisNodesTest extends SeveralNodesContract {
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    @RegisterExtension
    static final RedisProcess redis = RedisProcess.perTestClass();
    private String prefix;

    @Override
    RegistryOptions.Builder storeOptions() {
        if (prefix == null) {
            prefix = "nodes" + PREFIXES.incrementAndGet();
        }
        return RegistryOptions.builder().redis(RedisOptions.builder(redis.uri()).keyPrefix(prefix).build());
    }

    private static String nodeId(Node node) {
        return ((RedisChannelStore) node.registry.store).log().nodeId();
    }

    @Test
    void redisStoppedAndRestartedMidStream_streamsStayOpen_publishFailsMeanwhile_everyAcceptedEventArrivesOnce() {
        Node a = new Node();
        Node b = new Node();
        OpenEventStream onA = a.stream("topics/t", Map.of());
        OpenEventStream onB = b.stream("topics/t", Map.of());
        awaitSubscribers(a, Address.topic("t"), 1);
        awaitSubscribers(b, Address.topic("t"), 1);
        List<String> accepted = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            a.publish("t", "before" + i);
            accepted.add("before" + i);
        }
        redis.stop();
        try {
            for (int i = 1; i <= 5; i++) {
                long start = System.nanoTime();
                CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                        () -> a.registry.publish("t", SseEvent.of("lost")).toCompletableFuture().join());
                assertInstanceOf(RedisUnavailableException.class, e.getCause(), e.toString());
                assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "fails fast");
            }
            for (int i = 0; i < 3; i++) { // pings go on while Redis is away
                onA.awaitComment(c -> true, WAIT);
                onB.awaitComment(c -> true, WAIT);
            }
        } finally {
            redis.restart();
        }
        AtomicInteger attempt = new AtomicInteger();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> { // the node reconnects by itself
            String data = "retry" + attempt.incrementAndGet();
            try {
                a.registry.publish("t", SseEvent.of(data)).toCompletableFuture().join();
                accepted.add(data);
                return true;
            } catch (CompletionException e) {
                failed.add(data); // not accepted (a broken in-flight one may still have been stored)
                return false;
            }
        });
        for (int i = 1; i <= 20; i++) {
            a.publish("t", "after" + i);
            accepted.add("after" + i);
        }
        for (OpenEventStream stream : List.of(onA, onB)) {
            assertEveryAcceptedEventOnce(stream, accepted, failed, "after20");
        }
    }

    @Test
    void aThousandSubscribersOnOneNode_useAConstantNumberOfRedisConnections() {
        Node a = new Node();
        String node = "sse:" + nodeId(a) + ":";
        List<String> before = List.of(node + "commands", node + "reader-0");
        await().atMost(WAIT).until(() -> redis.connectionsNamed(node).equals(before)); // the reader connects by itself
        List<Collected> subscribers = new ArrayList<>();
        for (int i = 0; i < 1000; i++) { // the worst case: an address of its own each
            ConnectionQueue queue = a.registry.subscribe(Address.topic("s" + i)).queue();
            subscribers.add(Collected.from(queue));
            queue.started().toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join();
        }
        assertEquals(1000, a.registry.stats().subscribers());
        for (int i = 0; i < 1000; i += 100) {
            a.publish("s" + i, "to " + i);
        }
        for (int i = 0; i < 1000; i += 100) {
            assertEquals("to " + i, subscribers.get(i).await(1).get(0).data());
        }
        assertEquals(before, redis.connectionsNamed(node), "the same connections as with none");
        subscribers.forEach(Collected::cancel);
        assertEquals(0, a.registry.stats().subscribers());
        assertEquals(before, redis.connectionsNamed(node));
    }
}
