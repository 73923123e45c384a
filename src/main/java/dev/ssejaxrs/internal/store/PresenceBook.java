package dev.ssejaxrs.internal.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.Presence;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.internal.core.JsonText;

/**
 * The presence of one registry's streams on this node, and what it shares: counts per address and caller, written
 * to the other nodes ({@link Shared}, on Redis) and announced as presence events ({@code presenceEvents}), both
 * coalesced: the first change of an address schedules one flush a window later, and every change until then rides
 * on it. So a reconnect storm of a thousand streams costs one write and at most one event per address and window,
 * and none at all when the streams are back before the window ends.
 *
 * <p>The store calls {@link #joined} once a subscriber is registered on its addresses and {@link #left} when it
 * leaves (either may come from any thread; {@code left} without {@code joined} is harmless). Counts of this node are
 * read here, exact at once; the other nodes' come from {@link Shared#others}.
 *
 * <p>Concurrency: one {@link ReentrantLock} guards the counts and the pending changes, held only to count; the
 * flush and the refresh run on one scheduler thread (the registry's {@code scheduler} or the book's own), which
 * takes a snapshot under the lock, then writes and publishes outside it. Thread-safe.
 */
public final class PresenceBook implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PresenceBook.class.getName());
    /** How long changes wait to be written when no presence events window is set (Redis only). */
    static final Duration WRITE_DELAY = Duration.ofMillis(100);
    /** The caller key of anonymous streams. */
    static final String ANONYMOUS = "";

    /** Where a store keeps the presence of every node (Redis); absent in memory. */
    public interface Shared {
        /**
         * Replaces this node's streams of {@code address} by {@code counts} (caller key to streams; empty: none),
         * to be kept for at least {@link #refreshEvery()} plus a margin.
         */
        CompletionStage<Void> write(Address address, Map<String, Integer> counts);

        /** The streams of {@code address} on the other nodes, summed by caller key. */
        CompletionStage<Map<String, Integer>> others(Address address);

        /** How often this node writes its counts again to keep them (they lapse, a crashed node's with them). */
        Duration refreshEvery();
    }

    private final Shared shared;
    private final Duration eventsWindow;
    private final BiFunction<Address, SseEvent, CompletionStage<?>> publisher;
    private final ScheduledExecutorService scheduler;
    private final boolean ownScheduler;
    private final ReentrantLock lock = new ReentrantLock();
    /** Per address, caller key to its streams here; an address goes at zero. */
    private final Map<Address, Map<String, Integer>> local = new HashMap<>();
    private final Set<ConnectionQueue> counted = new java.util.HashSet<>();
    private final Set<Address> dirty = new LinkedHashSet<>();
    /** Per topic with presence events: what its last event said of this node's callers, and the count. */
    private final Map<Address, Announced> announced = new HashMap<>();
    private final LongAdder writes = new LongAdder();
    private final LongAdder events = new LongAdder();
    private ScheduledFuture<?> flush;
    private ScheduledFuture<?> refresh;
    private boolean closed;

    private static final class Announced {
        Set<String> names = Set.of();
        int count = -1;
    }

    /**
     * A book for a store.
     *
     * @param shared where the other nodes' presence is, or {@code null} (memory)
     * @param eventsWindow the presence events window, or {@code null}: no presence events
     * @param scheduler the registry's scheduler, or {@code null}: the book makes its own thread when it needs one
     * @param publisher publishes a presence event (the store's append)
     */
    public PresenceBook(Shared shared, Duration eventsWindow, ScheduledExecutorService scheduler,
            BiFunction<Address, SseEvent, CompletionStage<?>> publisher) {
        this.shared = shared;
        this.eventsWindow = eventsWindow;
        this.publisher = publisher;
        if (scheduler != null) {
            this.scheduler = scheduler;
            this.ownScheduler = false;
        } else {
            ScheduledThreadPoolExecutor own = new ScheduledThreadPoolExecutor(1, task -> {
                Thread thread = new Thread(task, "sse-jaxrs-presence-" + Integer.toHexString(
                        System.identityHashCode(this)));
                thread.setDaemon(true);
                return thread;
            });
            own.setRemoveOnCancelPolicy(true);
            own.setKeepAliveTime(1, TimeUnit.SECONDS);
            own.allowCoreThreadTimeOut(true); // in memory without events: never a thread
            this.scheduler = own;
            this.ownScheduler = true;
        }
    }

    /** Counts {@code queue}'s stream on each of its addresses. */
    public void joined(ConnectionQueue queue) {
        lock.lock();
        try {
            if (closed || !counted.add(queue)) {
                return;
            }
            String key = key(queue);
            for (Address address : queue.addresses()) {
                local.computeIfAbsent(address, a -> new HashMap<>(2)).merge(key, 1, Integer::sum);
                changed(address);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Uncounts {@code queue}'s stream; harmless when it was not counted. */
    public void left(ConnectionQueue queue) {
        lock.lock();
        try {
            if (!counted.remove(queue) || closed) {
                return;
            }
            String key = key(queue);
            for (Address address : queue.addresses()) {
                Map<String, Integer> callers = local.get(address);
                if (callers != null) {
                    callers.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
                    if (callers.isEmpty()) {
                        local.remove(address);
                    }
                }
                changed(address);
            }
        } finally {
            lock.unlock();
        }
    }

    private static String key(ConnectionQueue queue) {
        return queue.caller().isAuthenticated() ? queue.caller().name() : ANONYMOUS;
    }

    /** Under the lock: {@code address} changed; a flush is due one window later unless one is pending. */
    private void changed(Address address) {
        if (shared == null && !announces(address)) {
            return; // memory without events: the counts here are all there is
        }
        dirty.add(address);
        if (flush == null) {
            long delay = (eventsWindow != null ? eventsWindow : WRITE_DELAY).toMillis();
            flush = schedule(this::flush, delay);
        }
        if (shared != null && refresh == null) {
            long every = shared.refreshEvery().toMillis();
            try {
                refresh = scheduler.scheduleWithFixedDelay(this::refresh, every, every, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                LOG.log(System.Logger.Level.WARNING, "the registry's scheduler refused the presence refresh", e);
            }
        }
    }

    private boolean announces(Address address) {
        return eventsWindow != null && address.kind() == Address.Kind.TOPIC && Presence.describedBy(address) == null;
    }

    private ScheduledFuture<?> schedule(Runnable task, long delayMillis) {
        try {
            return scheduler.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.log(System.Logger.Level.WARNING, "the registry's scheduler refused the presence flush", e);
            return null;
        }
    }

    /** The streams of {@code address} on every node, by caller key ({@code ""}: anonymous). */
    public CompletionStage<Map<String, Integer>> counts(Address address) {
        Map<String, Integer> here = localCounts(address);
        if (shared == null) {
            return CompletableFuture.completedFuture(here);
        }
        return shared.others(address).thenApply(others -> {
            Map<String, Integer> all = new HashMap<>(others);
            here.forEach((key, n) -> all.merge(key, n, Integer::sum));
            return all;
        });
    }

    /** This node's streams of {@code address}, by caller key. */
    public Map<String, Integer> localCounts(Address address) {
        lock.lock();
        try {
            Map<String, Integer> callers = local.get(address);
            return callers == null ? Map.of() : Map.copyOf(callers);
        } finally {
            lock.unlock();
        }
    }

    /** Presence writes sent to the other nodes so far (for measurements and tests). */
    public long writes() {
        return writes.sum();
    }

    /** Presence events published so far. */
    public long events() {
        return events.sum();
    }

    /** On the scheduler: writes and announces what changed since the last flush. */
    private void flush() {
        Map<Address, Map<String, Integer>> changed = new HashMap<>();
        lock.lock();
        try {
            flush = null;
            if (closed) {
                return;
            }
            for (Address address : dirty) {
                Map<String, Integer> callers = local.get(address);
                changed.put(address, callers == null ? Map.of() : Map.copyOf(callers));
            }
            dirty.clear();
        } finally {
            lock.unlock();
        }
        for (Map.Entry<Address, Map<String, Integer>> e : changed.entrySet()) {
            if (shared != null) {
                write(e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<Address, Map<String, Integer>> e : changed.entrySet()) {
            if (announces(e.getKey())) {
                announce(e.getKey(), e.getValue());
            }
        }
    }

    /**
     * On the scheduler (Redis): writes every address again, so that this node's counts outlive their lapse, and
     * announces counts changed by other nodes (a crashed node's streams lapse without any event of its own).
     */
    private void refresh() {
        Map<Address, Map<String, Integer>> all = new HashMap<>();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            local.forEach((address, callers) -> all.put(address, Map.copyOf(callers)));
            for (Address address : announced.keySet()) {
                all.putIfAbsent(address, Map.of());
            }
            if (local.isEmpty() && announced.isEmpty() && refresh != null) {
                refresh.cancel(false); // nothing to keep alive: again on the next change
                refresh = null;
            }
        } finally {
            lock.unlock();
        }
        all.forEach((address, callers) -> {
            if (!callers.isEmpty()) {
                write(address, callers);
            }
        });
        all.forEach((address, callers) -> {
            if (announces(address)) {
                announce(address, callers);
            }
        });
    }

    private void write(Address address, Map<String, Integer> callers) {
        writes.increment();
        try {
            shared.write(address, callers).toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) { // Redis away: the next refresh writes it again
            LOG.log(System.Logger.Level.DEBUG, () -> "presence of " + address + " not written: " + e);
        }
    }

    /**
     * Publishes {@code event: presence} to the topic's presence events when this node's callers or the count
     * changed since its last one: {@code {"count": n, "joined": [...], "left": [...]}} (names of authenticated
     * callers whose first stream here opened, or last one closed, since then).
     */
    private void announce(Address topic, Map<String, Integer> callers) {
        int count;
        try {
            count = counts(topic).toCompletableFuture().get(5, TimeUnit.SECONDS).values().stream()
                    .mapToInt(Integer::intValue).sum();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "presence of " + topic + " not announced: " + e);
            return;
        }
        Set<String> names = new TreeSet<>(callers.keySet());
        names.remove(ANONYMOUS);
        List<String> joined = new ArrayList<>();
        List<String> left = new ArrayList<>();
        lock.lock();
        try {
            Announced last = announced.computeIfAbsent(topic, t -> new Announced());
            for (String name : names) {
                if (!last.names.contains(name)) {
                    joined.add(name);
                }
            }
            for (String name : last.names) {
                if (!names.contains(name)) {
                    left.add(name);
                }
            }
            if (joined.isEmpty() && left.isEmpty() && count == last.count) {
                return;
            }
            last.names = Set.copyOf(names);
            last.count = count;
            if (count == 0 && names.isEmpty()) {
                announced.remove(topic);
            }
        } finally {
            lock.unlock();
        }
        String data = "{\"count\":" + count + ",\"joined\":" + array(joined) + ",\"left\":" + array(left) + "}";
        events.increment();
        try {
            publisher.apply(Presence.eventsOf(topic), SseEvent.builder().event(Presence.EVENT).data(data).build())
                    .toCompletableFuture().exceptionally(e -> null);
        } catch (RuntimeException e) { // closed meanwhile
            LOG.log(System.Logger.Level.DEBUG, () -> "presence event of " + topic + " not published: " + e);
        }
    }

    private static String array(List<String> names) {
        StringBuilder out = new StringBuilder("[");
        for (String name : names) {
            out.append(out.length() > 1 ? "," : "").append(JsonText.string(name));
        }
        return out.append(']').toString();
    }

    /** Stops the flushes; this node's counts in {@link Shared} are removed by the store (or lapse). */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            if (flush != null) {
                flush.cancel(false);
            }
            if (refresh != null) {
                refresh.cancel(false);
            }
        } finally {
            lock.unlock();
        }
        if (ownScheduler) {
            scheduler.shutdownNow();
        }
    }

    /** The addresses with streams here (the store removes their shared counts on close). */
    public Set<Address> localAddresses() {
        lock.lock();
        try {
            return Set.copyOf(local.keySet());
        } finally {
            lock.unlock();
        }
    }
}
