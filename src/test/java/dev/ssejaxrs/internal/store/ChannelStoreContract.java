package dev.ssejaxrs.internal.store;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.broadcast.AccessPolicy;
import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.Caller;
import dev.ssejaxrs.broadcast.Collected;
import dev.ssejaxrs.broadcast.RegistryOptions;
import dev.ssejaxrs.broadcast.RegistryStats;
import dev.ssejaxrs.event.SseEvent;

/**
 * What every {@link ChannelStore} does, whatever keeps its state: extend this class with a way to make the store.
 * The tests talk to the store through subscriber queues, as the registry does.
 *
 * <p>Rules that concern local memory only, and so hold for the memory store but not for a distributed one
 * ({@link #distributed()}: the Redis store keeps nothing here but its subscribers): eviction beyond
 * {@code maxAddresses} (skipped for Redis, saying why) and the retained/queued counts of the stats (for Redis the
 * expiry test checks what a client sees instead: after the age, a replay is incomplete and the queue is empty).
 */
public abstract class ChannelStoreContract {
    private final List<ChannelStore> stores = new ArrayList<>();

    /** A new, empty store with {@code options} (a distributed store adds where it keeps its state). */
    protected abstract ChannelStore newStore(RegistryOptions.Builder options);

    /** Whether the store keeps its events outside this process (then the memory-only rules are skipped). */
    protected boolean distributed() {
        return false;
    }

    @AfterEach
    void closeStores() {
        stores.forEach(ChannelStore::close);
    }

    ChannelStore store(RegistryOptions.Builder options) {
        ChannelStore store = newStore(options.accessPolicy(AccessPolicy.anyone()));
        stores.add(store);
        return store;
    }

    /** A subscriber, once it has joined and received what the join queued for it. */
    public static Collected subscribe(ChannelStore store, String lastEventId, Address... addresses) {
        ConnectionQueue queue = new ConnectionQueue(store, List.of(addresses), Caller.anonymous(), lastEventId, null,
                RegistryOptions.builder().subscriberQueue(100_000).build());
        Collected collected = Collected.from(queue);
        queue.started().toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join();
        return collected;
    }

    public static String append(ChannelStore store, Address address, String data) {
        return store.append(address, SseEvent.of(data)).toCompletableFuture().orTimeout(20, TimeUnit.SECONDS)
                .join().id();
    }

    private static final Address A = Address.topic("a");
    private static final Address B = Address.topic("b");
    private static final Address R = Address.recipient("r");

    @Test
    void ids_increaseAcrossAddresses_inTheRedisForm() {
        ChannelStore store = store(RegistryOptions.builder());
        EventId previous = null;
        for (int i = 0; i < 1000; i++) {
            String id = append(store, i % 2 == 0 ? A : B, "e" + i);
            EventId parsed = EventId.parse(id);
            assertTrue(id.matches("\\d+-\\d+") && parsed != null, id);
            assertTrue(previous == null || parsed.isAfter(previous), previous + " then " + id);
            previous = parsed;
        }
    }

    @Test
    void join_replaysAfterTheId_inIdOrderAcrossAddresses_thenLive() {
        ChannelStore store = store(RegistryOptions.builder());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            ids.add(append(store, List.of(A, B, R).get(i % 3), "e" + i));
        }
        Collected collected = subscribe(store, ids.get(3), A, B, R);
        assertEquals(List.of("e4", "e5", "e6", "e7", "e8"), collected.data());
        append(store, B, "live");
        assertEquals("live", collected.await(6).get(5).data());
        assertEquals(ids.subList(4, 9), collected.events().subList(0, 5).stream().map(SseEvent::id).toList());
    }

    @Test
    void anIdNotOfTheStore_getsReplayIncomplete_thenEverythingRetained() {
        ChannelStore store = store(RegistryOptions.builder());
        append(store, A, "x");
        append(store, A, "y");
        for (String unknown : List.of("57", "garbage", "1-0", "x".repeat(300))) {
            Collected collected = subscribe(store, unknown, A);
            List<SseEvent> events = collected.events();
            assertEquals(ChannelStore.REPLAY_INCOMPLETE, events.get(0).event(), unknown);
            assertTrue(events.get(0).data().length() <= EventId.MAX_LENGTH);
            assertEquals(List.of("x", "y"), collected.data().subList(1, 3), unknown);
            collected.cancel();
        }
    }

    @Test
    void idleAddresses_areRemovedAtOnce() {
        ChannelStore store = store(RegistryOptions.builder().history(0, Duration.ofHours(1)));
        Collected collected = subscribe(store, null, A, B);
        assertEquals(2, store.stats(10, java.util.Map.of()).addresses());
        append(store, A, "x");
        collected.cancel();
        assertEquals(0, store.stats(10, java.util.Map.of()).addresses());
        assertEquals(0, store.stats(10, java.util.Map.of()).subscribers());
    }

    @Test
    void beyondTheCap_theLeastRecentlyUsedAddressWithoutSubscribersIsEvicted_andItsIdsAreIncomplete() {
        assumeFalse(distributed(), "maxAddresses eviction applies to local memory only: a distributed store keeps "
                + "no address without subscribers in this process (Redis trims streams by size and age instead)");
        ChannelStore store = store(RegistryOptions.builder().maxAddresses(2));
        Collected onA = subscribe(store, null, A);
        String idOfB = append(store, B, "b1");
        append(store, B, "b2");
        append(store, Address.topic("c"), "c1"); // B is the least recently used without subscribers
        assertEquals(0, store.stats(B).retained());
        assertEquals(1, store.stats(10, java.util.Map.of()).evicted());
        append(store, A, "a1");
        assertEquals(List.of("a1"), onA.await(1).stream().map(SseEvent::data).toList());
        Collected late = subscribe(store, idOfB, B);
        assertEquals(ChannelStore.REPLAY_INCOMPLETE, late.events().get(0).event());
        assertTrue(store.stats(10, java.util.Map.of()).addresses() <= 2);
    }

    @Test
    void historyAndOfflineQueue_expireOnTime_withoutTraffic() {
        ChannelStore store = store(RegistryOptions.builder().history(10, Duration.ofMillis(300))
                .offlineQueue(10, Duration.ofMillis(300)));
        long start = System.nanoTime();
        String id = append(store, A, "old");
        append(store, A, "older");
        append(store, R, "waiting");
        long waitingStored = System.nanoTime(); // its queue's age runs from before this
        if (distributed()) { // nothing is kept here to count: what a client sees after the age
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                Collected late = subscribe(store, id, A);
                late.cancel();
                return ChannelStore.REPLAY_INCOMPLETE.equals(late.events().get(0).event());
            });
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(300), "not before its age");
            // a subscription takes the queue: only once the queue's own age has passed (it was stored after A's)
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> System.nanoTime() - waitingStored >= TimeUnit.MILLISECONDS.toNanos(300));
            Collected recipient = subscribe(store, null, R);
            assertEquals(List.of(), recipient.events(), "the offline queue expired too");
            return;
        }
        assertEquals(2, store.stats(A).retained());
        assertEquals(1, store.stats(R).queued());
        await().atMost(Duration.ofSeconds(10)).until(() -> store.stats(10, java.util.Map.of()).addresses() == 0);
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(300), "not before its age");
        RegistryStats stats = store.stats(10, java.util.Map.of());
        assertEquals(0, stats.retained());
        assertEquals(0, stats.queued());
        assertEquals(1, stats.dropped(), "the unread offline event counts as dropped");
        Collected late = subscribe(store, id, A);
        assertEquals(ChannelStore.REPLAY_INCOMPLETE, late.events().get(0).event(), "expired: nothing silent");
    }

    @Test
    void recipientWithoutSubscribers_queues_andTheNextSubscriberGetsItInOrder() {
        ChannelStore store = store(RegistryOptions.builder());
        append(store, R, "1");
        append(store, R, "2");
        Collected collected = subscribe(store, null, R);
        assertEquals(List.of("1", "2"), collected.data());
        assertEquals(0, store.stats(R).queued());
    }

    @Test
    void reconnectWithTheLastId_whilePublishingToEveryAddress_noGapNoDuplicate() throws Exception {
        ChannelStore store = store(RegistryOptions.builder().history(10_000, Duration.ofHours(1)));
        List<Address> addresses = List.of(A, B, Address.topic("c"));
        Collected first = subscribe(store, null, A, B, Address.topic("c"));
        List<CompletableFuture<Void>> publishers = new ArrayList<>();
        for (Address address : addresses) {
            publishers.add(CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 2000; i++) {
                    append(store, address, address.name() + i);
                }
            }));
        }
        List<SseEvent> received = new ArrayList<>();
        String last = null;
        CompletableFuture<Void> published = CompletableFuture.allOf(publishers.toArray(CompletableFuture[]::new));
        do { // leave and come back, again and again, while publishing goes on (the first at least once)
            Collected collected = last == null ? first : subscribe(store, last, A, B, Address.topic("c"));
            await().atMost(Duration.ofSeconds(20)).until(() -> !collected.events().isEmpty() || published.isDone());
            collected.cancel();
            List<SseEvent> some = collected.events();
            received.addAll(some);
            if (!some.isEmpty()) {
                last = some.get(some.size() - 1).id();
            }
        } while (!published.isDone());
        for (CompletableFuture<Void> publisher : publishers) {
            publisher.get(60, TimeUnit.SECONDS);
        }
        Collected rest = subscribe(store, last, A, B, Address.topic("c"));
        received.addAll(rest.events());
        assertFalse(received.stream().anyMatch(e -> e.event() != null), "no replay-incomplete");
        assertEquals(6000, received.size());
        for (Address address : addresses) { // each address's events in order, none missing, none twice
            List<String> own = received.stream().map(SseEvent::data).filter(d -> d.startsWith(address.name()))
                    .toList();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                expected.add(address.name() + i);
            }
            assertEquals(expected, own);
        }
        for (int i = 1; i < received.size(); i++) {
            assertTrue(EventId.parse(received.get(i).id()).isAfter(EventId.parse(received.get(i - 1).id())));
        }
    }

    /** A subscriber that asks for nothing until {@link #requestAll()}. */
    private static final class Waiting implements java.util.concurrent.Flow.Subscriber<Object> {
        private final List<String> data = new ArrayList<>();
        private java.util.concurrent.Flow.Subscription subscription;

        @Override
        public synchronized void onSubscribe(java.util.concurrent.Flow.Subscription s) {
            subscription = s;
        }

        @Override
        public synchronized void onNext(Object item) {
            data.add(((SseEvent) item).data());
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onComplete() {
        }

        synchronized List<String> data() {
            return List.copyOf(data);
        }

        void requestAll() {
            java.util.concurrent.Flow.Subscription s;
            synchronized (this) {
                s = subscription;
            }
            s.request(Long.MAX_VALUE);
        }
    }

    @Test
    void aSubscriberQueueFullInBytes_dropsItsOldestEvents_andCountsEachOne() {
        RegistryOptions.Builder options = RegistryOptions.builder().subscriberQueueBytes(10_000)
                .slowConsumerPolicy(dev.ssejaxrs.broadcast.SlowConsumerPolicy.dropOldest());
        ChannelStore store = store(options);
        ConnectionQueue queue = new ConnectionQueue(store, List.of(A), Caller.anonymous(), null, null,
                options.build());
        Waiting waiting = new Waiting();
        queue.subscribe(waiting);
        queue.started().toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join();
        for (int i = 1; i <= 5; i++) {
            append(store, A, i + "b".repeat(4_000)); // about 4 kB each: two fit in 10 kB, not three
        }
        // on Redis the node's reader offers them: wait until it has
        await().atMost(Duration.ofSeconds(20)).until(() -> store.stats(10, java.util.Map.of()).dropped() == 3);
        waiting.requestAll();
        await().atMost(Duration.ofSeconds(20)).until(() -> waiting.data().size() == 2);
        assertEquals(List.of('4', '5'), waiting.data().stream().map(d -> d.charAt(0)).toList(),
                "the two newest, the three oldest pushed out by bytes (the count of 1,024 was far)");
        assertEquals(3, store.stats(10, java.util.Map.of()).dropped());
    }
}
