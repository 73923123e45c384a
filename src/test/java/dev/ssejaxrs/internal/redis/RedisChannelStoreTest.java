package dev.ssejaxrs.internal.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.lettuce.core.XAddArgs;

import dev.ssejaxrs.broadcast.AccessPolicy;
import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.Collected;
import dev.ssejaxrs.broadcast.RegistryOptions;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.internal.store.ChannelStore;
import dev.ssejaxrs.internal.store.ChannelStoreContract;
import dev.ssejaxrs.internal.store.EventId;
import dev.ssejaxrs.redis.RedisOptions;
import dev.ssejaxrs.redis.RedisProcess;

/**
 * The store contract, for the Redis store, on a real redis-server (a free port for this class; each store under a
 * key prefix of its own, so the tests never see each other's events).
 */
class RedisChannelStoreTest extends ChannelStoreContract {
    @RegisterExtension
    static final RedisProcess redis = RedisProcess.perTestClass();
    private static final AtomicInteger STORES = new AtomicInteger();

    @Override
    protected ChannelStore newStore(RegistryOptions.Builder options) {
        return RedisChannelStore.open(options.redis(RedisOptions.builder(redis.uri())
                .keyPrefix("contract" + STORES.incrementAndGet()).build()).build());
    }

    @Override
    protected boolean distributed() {
        return true;
    }

    @Test
    void eventsTrimmedBeforeThisNodesReaderGotThem_reachALiveSubscriberAsEventsLost_thenItGoesOn() {
        String prefix = "gap" + STORES.incrementAndGet();
        Address topic = Address.topic("gap");
        try (ChannelStore store = RedisChannelStore.open(RegistryOptions.builder().accessPolicy(AccessPolicy.anyone())
                .redis(RedisOptions.builder(redis.uri()).keyPrefix(prefix).build()).build())) {
            Collected subscriber = subscribe(store, null, topic);
            String before = append(store, topic, "before");
            subscriber.await(1);
            // the reader fell behind: the next entry it reads says its predecessor was later than what it read last
            EventId last = EventId.parse(before);
            String trimmed = (last.millis() + 2) + "-0";
            String next = (last.millis() + 5) + "-0";
            redis.admin(c -> c.xadd("{" + prefix + "}:t:gap", new XAddArgs().id(next), Map.of("p", trimmed,
                    "d", "after the gap")));
            List<SseEvent> events = subscriber.await(3);
            assertEquals("before", events.get(0).data());
            assertEquals(ChannelStore.EVENTS_LOST, events.get(1).event(), events.toString());
            assertEquals(before, events.get(1).data(), "the last id the subscriber was given");
            assertEquals("after the gap", events.get(2).data());
            assertEquals(next, events.get(2).id());
        }
    }

    @RepeatedTest(value = 15, failureThreshold = 1)
    void aRecipientJoiningWhileEventsArePublished_getsEveryEventOnce_queuedReplayedOrLive() throws Exception {
        // the join registers the recipient's presence while a publisher runs: each event is queued (published
        // before the presence), replayed or read live, never none of these
        String prefix = "join" + STORES.incrementAndGet();
        Address recipient = Address.recipient("r");
        int events = 60;
        try (ChannelStore store = RedisChannelStore.open(RegistryOptions.builder().accessPolicy(AccessPolicy.anyone())
                .redis(RedisOptions.builder(redis.uri()).keyPrefix(prefix).build()).build())) {
            List<String> published = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread publisher = new Thread(() -> {
                for (int i = 0; i < events; i++) {
                    published.add(append(store, recipient, "e" + i));
                    java.util.concurrent.locks.LockSupport.parkNanos(100_000);
                }
            }, "test-publisher");
            publisher.start();
            org.awaitility.Awaitility.await().until(() -> published.size() >= 10);
            Collected subscriber = subscribe(store, null, recipient);
            publisher.join();
            try {
                subscriber.await(events);
            } catch (org.awaitility.core.ConditionTimeoutException lost) {
                // the accounting below says which
            }
            List<String> received = subscriber.events().stream().map(SseEvent::id).toList();
            List<String> missing = published.stream().filter(id -> !received.contains(id)).toList();
            assertEquals(published, received, "published " + published.size() + ", received " + received.size()
                    + ", missing " + missing);
        }
    }
}
