package dev.ssejaxrs.broadcast;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.redis.RedisOptions;
import dev.ssejaxrs.redis.RedisProcess;
import dev.ssejaxrs.testing.EventStreamClient;
import dev.ssejaxrs.testing.OpenEventStream;

/**
 * Redis itself failing under the nodes (issue 29), each fault with its delivery accounting: killed with
 * {@code kill -9} in the middle of a publisher's run and restarted from its append-only file ({@code appendfsync
 * always}); frozen with {@code SIGSTOP} for longer than {@code presenceTtl}, then resumed.
 */
class RedisFaultsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    @RegisterExtension
    static final RedisProcess redis = RedisProcess.perTestClass("appendfsync always");
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private BroadcastApp.Running node(String prefix, Duration presenceTtl) {
        BroadcastApp.Running node = new BroadcastApp.Running(RegistryOptions.builder()
                .redis(RedisOptions.builder(redis.uri()).keyPrefix(prefix).presenceTtl(presenceTtl).build())
                .build());
        open.add(node);
        return node;
    }

    private OpenEventStream stream(BroadcastApp.Running node, String path, Map<String, String> headers) {
        OpenEventStream stream = EventStreamClient.open(node.target(path), headers);
        open.add(stream);
        return stream;
    }

    @Test
    void redisKilledMidPublish_andRestartedFromItsAppendOnlyFile_losesNoAcknowledgedEvent() throws Exception {
        assertEquals("always", redis.admin(c -> c.configGet("appendfsync")).get("appendfsync"));
        BroadcastApp.Running node = node("kill9", Duration.ofSeconds(30));
        OpenEventStream live = stream(node, "topics/orders", Map.of());
        await().atMost(WAIT).until(() -> node.registry.stats(Address.topic("orders")).subscribers() == 1);
        DeliveryChecker checker = DeliveryChecker.byId();
        DeliveryChecker.Subscriber liveGot = checker.startsNow("live subscriber across the restart");

        int total = 200;
        AtomicInteger acknowledged = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<String> first = new AtomicReference<>();
        AtomicReference<String> last = new AtomicReference<>();
        CountDownLatch restarted = new CountDownLatch(1);
        CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> {
            for (int i = 0; acknowledged.get() < total; i++) {
                try {
                    String id = node.registry.publish("orders", SseEvent.of("order " + i)).toCompletableFuture()
                            .get(10, TimeUnit.SECONDS).id();
                    checker.acknowledged(id); // one publishing thread: recorded in publish order
                    first.compareAndSet(null, id);
                    last.set(id);
                    acknowledged.incrementAndGet();
                } catch (Exception e) { // Redis is away (or the publish was in flight when it died): not acknowledged
                    failed.incrementAndGet();
                    try {
                        restarted.await(WAIT.toSeconds(), TimeUnit.SECONDS);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // the node reconnects (back-off)
                }
            }
        });
        await().atMost(WAIT).until(() -> acknowledged.get() >= total / 2 || publisher.isDone());
        redis.kill9();
        await().atMost(WAIT).until(() -> failed.get() > 0 || publisher.isDone());
        redis.restart();
        restarted.countDown();
        publisher.get(60, TimeUnit.SECONDS);

        liveGot.receiveUntil(live, last.get(), WAIT);
        DeliveryChecker.Subscriber resumed = checker.resumesAfter("resumed from the first id after the restart",
                first.get());
        resumed.receiveUntil(stream(node, "topics/orders", Map.of("Last-Event-ID", first.get())), last.get(), WAIT);
        checker.verify();
        assertEquals(0, checker.signalled(), "no acknowledged event may be lost, not even with a signal ("
                + failed.get() + " publishes failed):\n" + checker.accounting());
        System.out.println("[fault] Redis kill -9 mid-publish, restart with AOF (" + failed.get()
                + " publishes failed while it was away):\n" + checker.accounting());
    }

    @Test
    void redisFrozenLongerThanThePresenceTtl_onlineRecipientsStillGetEventsLive_andAreNotQueuedForLong()
            throws Exception {
        Duration presenceTtl = Duration.ofSeconds(1);
        BroadcastApp.Running publisher = node("frozen", presenceTtl);
        BroadcastApp.Running subscriberNode = node("frozen", presenceTtl);
        OpenEventStream ann = stream(subscriberNode, "recipients/ann", Map.of("X-User", "ann"));
        Address recipient = Address.recipient("ann");
        await().atMost(WAIT).until(() -> subscriberNode.registry.stats(recipient).subscribers() == 1);
        DeliveryChecker checker = DeliveryChecker.byId();
        DeliveryChecker.Subscriber annGot = checker.on("ann, online on the other node", Set.of(recipient));
        int queuedBefore = 0;
        for (int i = 0; i < 5; i++) {
            queuedBefore += publish(publisher, checker, recipient, "before " + i).queued();
        }

        long pid = redis.pid();
        redis.signal(pid, "STOP");
        try {
            // the fault is a duration: frozen for twice the presence's time to live, so that every presence lapses
            LockSupport.parkNanos(presenceTtl.multipliedBy(2).toNanos());
        } finally {
            redis.signal(pid, "CONT");
        }

        int queuedAfter = 0;
        int publishedAfter = 0;
        String lastId = null;
        int lastQueued = 1;
        long deadline = System.nanoTime() + WAIT.toNanos();
        // publish until one is no longer queued (the subscriber node's heartbeat put its presence back), at least 20
        while (publishedAfter < 20 || lastQueued > 0) {
            Delivery delivery = publishWhenBack(publisher, checker, recipient, "after " + publishedAfter, deadline);
            queuedAfter += delivery.queued();
            lastQueued = delivery.queued();
            lastId = delivery.id();
            publishedAfter++;
        }
        annGot.receiveUntil(ann, lastId, WAIT);
        checker.verify();
        assertEquals(0, queuedBefore, "ann was online before the freeze:\n" + checker.accounting());
        System.out.println("[fault] Redis SIGSTOP for " + presenceTtl.multipliedBy(2) + " (presenceTtl "
                + presenceTtl + "), then SIGCONT; " + queuedAfter + " of " + publishedAfter
                + " events published after it were also queued before the presence came back:\n"
                + checker.accounting());
    }

    private static Delivery publish(BroadcastApp.Running node, DeliveryChecker checker, Address recipient,
            String data) throws Exception {
        Delivery delivery = node.registry.publish(recipient, SseEvent.of(data)).toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        checker.acknowledged(recipient, delivery.id());
        return delivery;
    }

    /** Publishes, trying again while the node has not noticed Redis is back (each try fails at once). */
    private static Delivery publishWhenBack(BroadcastApp.Running node, DeliveryChecker checker, Address recipient,
            String data, long deadline) throws Exception {
        while (true) {
            try {
                return publish(node, checker, recipient, data);
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("publishing did not work again after SIGCONT:\n" + checker.accounting(),
                            e);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
        }
    }
}
