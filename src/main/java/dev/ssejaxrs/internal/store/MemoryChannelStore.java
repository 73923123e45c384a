package dev.ssejaxrs.internal.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.AddressStats;
import dev.ssejaxrs.broadcast.Caller;
import dev.ssejaxrs.broadcast.Delivery;
import dev.ssejaxrs.broadcast.RegistryOptions;
import dev.ssejaxrs.broadcast.RegistryStats;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.internal.core.CallbackFailure;
import dev.ssejaxrs.internal.store.EntryRing.Entry;

/**
 * The registry's addresses in this process's memory. Bounded: idle addresses are removed at once, at most
 * {@code maxAddresses} topics and, apart, {@code maxRecipients} recipients are kept (least recently used first out),
 * and a sweep on the scheduler expires histories and offline queues on time, scheduled only while something waits
 * to expire. A recipient whose waiting events had to go is told on its next join ({@code replay-incomplete}).
 *
 * <p>Concurrency: one {@link ReentrantLock} guards everything. Publishing assigns the id and offers the event to
 * every subscriber under it, so the order of ids is the order in which every subscriber receives events, across
 * addresses: a stream of several addresses can resume from one id. Subscribers' queues do their own hand-off to
 * their streams; nothing here waits for a client.
 */
public final class MemoryChannelStore implements ChannelStore {
    private static final System.Logger LOG = System.getLogger(MemoryChannelStore.class.getName());
    private final RegistryOptions options;
    private final ReentrantLock lock = new ReentrantLock();
    /**
     * Topics and recipients apart, each in least-recently-used order (a use moves an address to the end) and with
     * its own cap, so that no number of topics evicts a recipient's waiting events.
     */
    private final LinkedHashMap<Address, Channel> topics = new LinkedHashMap<>();
    private final LinkedHashMap<Address, Channel> recipients = new LinkedHashMap<>();
    /** Floors of removed addresses, so that one coming back knows what it lost; as many as addresses at most. */
    private final LinkedHashMap<Address, EventId> removed = new LinkedHashMap<>();
    /**
     * Recipients evicted with events waiting in their queue, to the newest such event: their next connect is told.
     * As many as {@code maxRecipients} at most (the oldest go first).
     */
    private final LinkedHashMap<Address, EventId> lostQueues = new LinkedHashMap<>();
    private final Set<ConnectionQueue> joined = new HashSet<>();
    private final PresenceBook presence;
    /**
     * Complete addresses ({@link #complete}), oldest first: the id of their last event, and until when
     * ({@code System.nanoTime}) they are kept. As many as {@code maxAddresses + maxRecipients} at most.
     */
    private final LinkedHashMap<Address, Completed> completed = new LinkedHashMap<>();
    private final EventId.Generator ids;
    private final ScheduledExecutorService scheduler;
    private final boolean ownScheduler;
    private final long historyAgeNanos;
    private final long offlineAgeNanos;
    private final long sweepGranularityNanos;
    /** Floor for an address never seen (or forgotten): the newest position a forgotten address may have lost. */
    private EventId forgottenFloor;
    private ScheduledFuture<?> sweep;
    private boolean closed;
    private long published;
    private long delivered;
    private long dropped;
    private long evicted;

    public MemoryChannelStore(RegistryOptions options) {
        this(options, System::currentTimeMillis);
    }

    public MemoryChannelStore(RegistryOptions options, LongSupplier clockMillis) {
        this.options = options;
        this.ids = new EventId.Generator(clockMillis);
        this.forgottenFloor = ids.start();
        this.historyAgeNanos = options.historyAge().toNanos();
        this.offlineAgeNanos = options.offlineQueueAge().toNanos();
        this.sweepGranularityNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1),
                Math.min(TimeUnit.SECONDS.toNanos(1), Math.min(historyAgeNanos, offlineAgeNanos) / 20));
        if (options.scheduler() != null) {
            scheduler = options.scheduler();
            ownScheduler = false;
        } else {
            String threadName = expiryThreadName();
            ScheduledThreadPoolExecutor own = new ScheduledThreadPoolExecutor(1, task -> {
                Thread thread = new Thread(task, threadName);
                thread.setDaemon(true);
                return thread;
            });
            own.setRemoveOnCancelPolicy(true);
            own.setKeepAliveTime(1, TimeUnit.SECONDS);
            own.allowCoreThreadTimeOut(true); // no thread while nothing waits to expire
            scheduler = own;
            ownScheduler = true;
        }
        presence = new PresenceBook(null, options.presenceEventsWindow(), options.scheduler(), this::append);
    }

    public RegistryOptions options() {
        return options;
    }

    /** The name of this store's own expiry thread (when it has one: no scheduler was given). */
    public String expiryThreadName() {
        return "sse-jaxrs-registry-" + Integer.toHexString(System.identityHashCode(this)) + "-expiry";
    }

    @Override
    public CompletionStage<Delivery> append(Address address, SseEvent event) {
        List<ConnectionQueue> offered = new ArrayList<>();
        Delivery delivery = appendNow(address, event, offered);
        for (ConnectionQueue subscriber : offered) {
            subscriber.deliver(); // outside the lock, which publishes and joins on other addresses need
        }
        return CompletableFuture.completedFuture(delivery);
    }

    /** Stamps, keeps and offers {@code event}; adds the subscribers it was offered to to {@code offered}. */
    private Delivery appendNow(Address address, SseEvent event, List<ConnectionQueue> offered) {
        lock.lock();
        try {
            ensureOpen();
            long now = System.nanoTime();
            forgetIfOver(address, now); // a complete address whose time is over is new again
            Completed done = completion(address, now);
            if (done != null) {
                throw new AddressCompleteException(address + " is complete (its last event is " + done.last
                        + "): it takes no more events");
            }
            EventId position = ids.next();
            SseEvent stamped = event.id() != null ? event : event.withId(position.toString());
            Channel channel = use(address, Set.of());
            Entry entry = new Entry(position, stamped, now);
            int bytes = EventBytes.of(stamped); // once; each subscriber's queue counts the same bytes
            channel.published++;
            channel.newest = position;
            published++;
            if (options.historySize() > 0) {
                channel.history.add(entry, bytes, channel::lost);
                if (event.id() != null && !event.id().isEmpty()) {
                    channel.ownId(entry);
                }
            } else {
                channel.floor = position;
            }
            int deliveredNow = 0;
            int droppedNow = 0;
            int queuedNow = 0;
            if (channel.subscribers.isEmpty() && address.kind() == Address.Kind.RECIPIENT) {
                if (options.offlineQueueSize() == 0) {
                    droppedNow++;
                } else {
                    if (channel.offline == null) {
                        channel.offline = new EntryRing(options.offlineQueueSize(), options.offlineQueueBytes());
                    }
                    int[] out = {0};
                    channel.offline.add(entry, bytes, gone -> { // its count or its bytes: told on the next connect
                        out[0]++;
                        channel.queueLost = gone.position();
                    });
                    droppedNow += out[0];
                    queuedNow = 1;
                }
            }
            for (ConnectionQueue subscriber : channel.subscribers) {
                try {
                    if (!options.accessPolicy().mayReceive(address, stamped, subscriber.caller())) {
                        continue;
                    }
                } catch (RuntimeException e) { // ends that subscriber only; the fan-out goes on
                    subscriber.callbackFailed("the access policy's mayReceive", e);
                    offered.add(subscriber);
                    droppedNow++;
                    continue;
                }
                ConnectionQueue.Offer offer = subscriber.offer(stamped, bytes);
                offered.add(subscriber);
                deliveredNow += offer.delivered();
                droppedNow += offer.dropped();
            }
            channel.delivered += deliveredNow;
            channel.dropped += droppedNow;
            delivered += deliveredNow;
            dropped += droppedNow;
            removeIfIdle(channel);
            if (!channel.isIdle()) {
                scheduleSweep(Math.min(historyAgeNanos, offlineAgeNanos));
            }
            return new Delivery(stamped.id(), deliveredNow, queuedNow, droppedNow);
        } finally {
            lock.unlock();
        }
    }

    /** The newest id issued: every event published from now on is after it. */
    @Override
    public EventId openPosition() {
        lock.lock();
        try {
            return ids.last();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public CompletionStage<Void> join(ConnectionQueue queue) {
        joinNow(queue);
        return CompletableFuture.completedFuture(null);
    }

    private void joinNow(ConnectionQueue queue) {
        lock.lock();
        try {
            ensureOpen();
            long now = System.nanoTime();
            String lastEventId = queue.lastEventId();
            Set<Address> addresses = Set.copyOf(queue.addresses());
            List<Channel> used = new ArrayList<>();
            for (Address address : queue.addresses()) {
                Channel channel = use(address, addresses);
                expire(channel, now);
                used.add(channel);
            }
            EventId after = lastEventId == null ? null : resolve(lastEventId, used);
            boolean incomplete = lastEventId != null && after == null;
            // without Last-Event-ID, from where the subscription opened: events published between the response
            // head and this join are in the history after that position
            EventId from = lastEventId == null ? queue.openedAt() : after;
            boolean replay = lastEventId != null || from != null;
            EventId queueLost = null; // without Last-Event-ID, a recipient's queue is all it has of what it missed
            List<List<Entry>> runs = new ArrayList<>(); // each in id order: a history or offline segment
            List<Address> runAddresses = new ArrayList<>();
            for (Channel channel : used) {
                boolean exact = from != null && !channel.floor.isAfter(from);
                if (replay) {
                    incomplete |= !exact;
                    // a resume that is not exact gets everything retained; a new subscriber only what it is owed
                    addRun(runs, runAddresses, channel, channel.history, exact || lastEventId == null ? from : null);
                }
                if (channel.offline != null) {
                    // whatever waited (a history may be shorter than the offline queue), after the client's id
                    addRun(runs, runAddresses, channel, channel.offline, lastEventId != null && exact ? from : null);
                }
                if (channel.queueLost != null && lastEventId == null) {
                    queueLost = channel.queueLost;
                }
            }
            List<SseEvent> first = new ArrayList<>();
            if (incomplete || queueLost != null) {
                String sent = lastEventId != null ? EventId.truncated(lastEventId)
                        : from != null ? from.toString() : queueLost.toString();
                first.add(SseEvent.builder().event(REPLAY_INCOMPLETE).data(sent).build());
            }
            try {
                merge(runs, runAddresses, queue.caller(), first);
            } catch (RuntimeException e) { // nothing taken: the offline queues wait for the next connect
                LOG.log(System.Logger.Level.WARNING, "refusing a registry subscriber: the access policy's "
                        + "mayReceive threw", e);
                used.forEach(this::removeIfIdle);
                throw new CallbackFailure("the access policy's mayReceive", e);
            }
            for (Channel channel : used) {
                if (channel.offline != null) {
                    channel.offline.clear();
                }
                channel.queueLost = null; // told now (with Last-Event-ID, the history's floor decides)
            }
            queue.fill(first);
            for (Channel channel : used) {
                channel.subscribers.add(queue);
                if (isComplete(channel.address, now)) {
                    queue.endAfterQueued(); // its replay ends with the last event (or it had it): nothing follows
                }
            }
            joined.add(queue);
            presence.joined(queue);
        } finally {
            lock.unlock();
        }
    }

    private static void addRun(List<List<Entry>> runs, List<Address> addresses, Channel channel, EntryRing ring,
            EventId after) {
        int from = after == null ? 0 : ring.firstAfter(after);
        if (from < ring.size()) {
            List<Entry> run = new ArrayList<>(ring.size() - from);
            ring.copyFrom(from, run);
            runs.add(run);
            addresses.add(channel.address);
        }
    }

    /** Merges runs sorted by id into {@code into}, once per id, filtered by the access policy. */
    private void merge(List<List<Entry>> runs, List<Address> addresses, Caller caller, List<SseEvent> into) {
        int[] next = new int[runs.size()];
        EventId previous = null;
        while (true) {
            int pick = -1;
            for (int r = 0; r < runs.size(); r++) {
                if (next[r] < runs.get(r).size() && (pick < 0 || runs.get(r).get(next[r]).position()
                        .compareTo(runs.get(pick).get(next[pick]).position()) < 0)) {
                    pick = r;
                }
            }
            if (pick < 0) {
                return;
            }
            Entry entry = runs.get(pick).get(next[pick]++);
            if (entry.position().equals(previous)) {
                continue; // in both the history and the offline queue
            }
            previous = entry.position();
            if (options.accessPolicy().mayReceive(addresses.get(pick), entry.event(), caller)) {
                into.add(entry.event());
            }
        }
    }

    /** The position {@code lastEventId} stands for, or {@code null} when it is not one this store can resume. */
    private EventId resolve(String lastEventId, List<Channel> used) {
        if (lastEventId.length() > EventId.MAX_LENGTH) {
            return null;
        }
        EventId earliest = null; // an application id may repeat, on one address or several: resume from the first
        for (Channel channel : used) {
            Channel.OwnId own = channel.ownIds == null ? null : channel.ownIds.get(lastEventId);
            if (own != null && own.earliest == null) {
                return null; // its first occurrence is gone: which one the client saw is unknown
            }
            if (own != null && (earliest == null || earliest.isAfter(own.earliest))) {
                earliest = own.earliest;
            }
        }
        if (earliest != null) {
            return earliest;
        }
        EventId parsed = EventId.parse(lastEventId);
        return parsed == null || parsed.isAfter(ids.last()) ? null : parsed;
    }

    @Override
    public void leave(ConnectionQueue queue) {
        lock.lock();
        try {
            if (!joined.remove(queue)) {
                return;
            }
            presence.left(queue);
            for (Address address : queue.addresses()) {
                Channel channel = channelsOf(address).get(address);
                if (channel != null) {
                    channel.subscribers.remove(queue);
                    removeIfIdle(channel);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int disconnectAll(Address address) {
        List<ConnectionQueue> current;
        lock.lock();
        try {
            Channel channel = channelsOf(address).get(address);
            current = channel == null ? List.of() : List.copyOf(channel.subscribers);
        } finally {
            lock.unlock();
        }
        current.forEach(ConnectionQueue::end);
        return current.size();
    }

    @Override
    public void expire() {
        lock.lock();
        try {
            long now = System.nanoTime();
            long next = Long.MAX_VALUE;
            for (Channel channel : allChannels()) {
                expire(channel, now);
                if (!removeIfIdle(channel)) {
                    next = Math.min(next, nextExpiry(channel, now));
                }
            }
            for (Address address : List.copyOf(completed.keySet())) {
                Completed done = completed.get(address);
                if (!forgetIfOver(address, now)) {
                    next = Math.min(next, Math.max(sweepGranularityNanos, done.untilNanos - now));
                }
            }
            sweep = null;
            if (next != Long.MAX_VALUE) {
                scheduleSweep(next);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean evict(Address address) {
        lock.lock();
        try {
            Channel channel = channelsOf(address).get(address);
            if (channel == null || !channel.subscribers.isEmpty()) {
                return false;
            }
            forget(channel);
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public AddressStats stats(Address address) {
        lock.lock();
        try {
            Channel channel = channelsOf(address).get(address);
            return channel != null ? channel.stats() : new AddressStats(address, 0, 0, 0, 0, 0, 0);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public RegistryStats stats(int busiest, Map<String, Long> disconnects) {
        Comparator<Channel> busier = Comparator.<Channel>comparingInt(c -> c.subscribers.size())
                .thenComparingLong(c -> c.published);
        lock.lock();
        try {
            long queued = 0;
            long retained = 0;
            List<Channel> all = allChannels();
            for (Channel channel : all) {
                queued += channel.queued();
                retained += channel.history.size();
            }
            List<AddressStats> list = Busiest.of(all, busier, busiest).stream()
                    .map(Channel::stats).toList();
            return new RegistryStats(all.size(), evicted, joined.size(), queued, retained, published, delivered,
                    dropped, Map.copyOf(disconnects), list);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public CompletionStage<Delivery> complete(Address address, SseEvent last, Duration kept) {
        List<ConnectionQueue> ending = new ArrayList<>();
        Delivery delivery;
        lock.lock();
        try {
            ensureOpen();
            long now = System.nanoTime();
            forgetIfOver(address, now);
            Completed done = completion(address, now);
            if (done != null) {
                return CompletableFuture.failedFuture(new AddressCompleteException(address
                        + " is complete already (its last event is " + done.last + ")"));
            }
            // the store's id, never the application's: a client that has it is told 204 (Kept.reachedBy)
            SseEvent stamped = (last == null ? SseEvent.builder().build() : last).withId(null);
            delivery = appendNow(address, stamped, ending);
            completed.put(address, new Completed(EventId.parse(delivery.id()), now + kept.toNanos()));
            if (completed.size() > options.maxAddresses() + options.maxRecipients()) {
                completed.remove(completed.keySet().iterator().next());
            }
            Channel channel = channelsOf(address).get(address);
            if (channel != null) {
                for (ConnectionQueue subscriber : channel.subscribers) {
                    subscriber.endAfterQueued(); // after the last event, offered to it just now
                }
                ending.addAll(channel.subscribers);
            }
            scheduleSweep(kept.toNanos());
        } finally {
            lock.unlock();
        }
        for (ConnectionQueue subscriber : new LinkedHashSet<>(ending)) {
            subscriber.deliver(); // outside the lock, as in append
        }
        return CompletableFuture.completedFuture(delivery);
    }

    @Override
    public CompletionStage<Kept> kept(Address address) {
        lock.lock();
        try {
            long now = System.nanoTime();
            forgetIfOver(address, now);
            Completed done = completion(address, now);
            Channel channel = channelsOf(address).get(address);
            if (channel != null) {
                expire(channel, now);
            }
            EventId oldest = channel == null || channel.history.isEmpty() ? null : channel.history.oldest().position();
            return CompletableFuture.completedFuture(oldest == null && done == null ? null
                    : new Kept(oldest, done == null ? null : done.last));
        } finally {
            lock.unlock();
        }
    }

    /** One complete address: the id of its last event, and until when it is kept. */
    private record Completed(EventId last, long untilNanos) {
    }

    @Override
    public void close() {
        List<ConnectionQueue> open;
        lock.lock();
        try {
            closed = true;
            if (sweep != null) {
                sweep.cancel(false);
                sweep = null;
            }
            open = List.copyOf(joined);
            completed.clear();
            topics.clear();
            recipients.clear();
            removed.clear();
            lostQueues.clear();
        } finally {
            lock.unlock();
        }
        presence.close();
        if (ownScheduler) {
            scheduler.shutdownNow();
        }
        open.forEach(ConnectionQueue::end);
    }

    @Override
    public PresenceBook presence() {
        return presence;
    }

    @Override
    public CompletionStage<List<SseEvent>> latest(Address address, EventId upTo,
            java.util.function.Function<SseEvent, String> key) {
        List<SseEvent> newestFirst = new ArrayList<>();
        lock.lock();
        try {
            ensureOpen();
            Channel channel = channelsOf(address).get(address);
            if (channel != null) {
                expire(channel, System.nanoTime());
                List<Entry> retained = new ArrayList<>(channel.history.size());
                channel.history.copyFrom(0, retained);
                for (int i = retained.size() - 1; i >= 0; i--) {
                    if (!retained.get(i).position().isAfter(upTo)) {
                        newestFirst.add(retained.get(i).event());
                    }
                }
                removeIfIdle(channel);
            }
        } finally {
            lock.unlock();
        }
        return CompletableFuture.completedFuture(LatestValues.newestPerKey(newestFirst, key));
    }

    // ---- under the lock

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the event registry is closed");
        }
    }

    /** The completion of {@code address} while it is kept, else {@code null}. */
    private Completed completion(Address address, long now) {
        Completed done = completed.get(address);
        return done != null && done.untilNanos - now > 0 ? done : null;
    }

    private boolean isComplete(Address address, long now) {
        return completion(address, now) != null;
    }

    /**
     * Forgets a complete address whose time is over, with its history, so that it is new again; not while it still
     * has subscribers (ending after their last event). Whether nothing of the completion is left.
     */
    private boolean forgetIfOver(Address address, long now) {
        Completed done = completed.get(address);
        if (done == null) {
            return true;
        }
        if (done.untilNanos - now > 0) {
            return false;
        }
        Channel channel = channelsOf(address).get(address);
        if (channel != null && !channel.subscribers.isEmpty()) {
            return false;
        }
        if (channel != null) {
            forget(channel);
        }
        completed.remove(address);
        return true;
    }

    private LinkedHashMap<Address, Channel> channelsOf(Address address) {
        return address.kind() == Address.Kind.RECIPIENT ? recipients : topics;
    }

    private List<Channel> allChannels() {
        List<Channel> all = new ArrayList<>(topics.size() + recipients.size());
        all.addAll(topics.values());
        all.addAll(recipients.values());
        return all;
    }

    /** The channel of {@code address}, made if needed, as the most recently used; may evict another one. */
    private Channel use(Address address, Set<Address> keep) {
        LinkedHashMap<Address, Channel> channels = channelsOf(address);
        Channel channel = channels.remove(address);
        if (channel == null) {
            EventId floor = removed.remove(address);
            channel = new Channel(address, options.historySize(), options.historyBytes(),
                    floor != null ? floor : forgottenFloor);
            channel.queueLost = lostQueues.remove(address);
        }
        channels.put(address, channel);
        int cap = channels == recipients ? options.maxRecipients() : options.maxAddresses();
        if (channels.size() > cap) {
            evictLeastRecentlyUsed(channels, keep, address);
        }
        return channel;
    }

    private void evictLeastRecentlyUsed(LinkedHashMap<Address, Channel> channels, Set<Address> keep,
            Address using) {
        List<Channel> busy = new ArrayList<>();
        Channel victim = null;
        for (Iterator<Channel> it = channels.values().iterator(); it.hasNext(); ) {
            Channel candidate = it.next();
            if (candidate.address.equals(using) || keep.contains(candidate.address)) {
                continue;
            }
            if (candidate.subscribers.isEmpty()) {
                victim = candidate;
                break;
            }
            busy.add(candidate);
        }
        for (Channel channel : busy) { // addresses with subscribers are not evicted: move them out of the way
            channels.remove(channel.address);
            channels.put(channel.address, channel);
        }
        if (victim != null) {
            evicted++;
            forget(victim);
        }
    }

    private boolean removeIfIdle(Channel channel) {
        if (channel.isIdle() && channelsOf(channel.address).get(channel.address) == channel) {
            forget(channel);
            return true;
        }
        return false;
    }

    /** Drops {@code channel}, remembering up to where it may have lost events. */
    private void forget(Channel channel) {
        channelsOf(channel.address).remove(channel.address);
        dropped += channel.queued();
        if (channel.queued() > 0 || channel.queueLost != null) { // its next connect is told
            lostQueues.put(channel.address, channel.newest);
            if (lostQueues.size() > options.maxRecipients()) {
                lostQueues.remove(lostQueues.keySet().iterator().next());
            }
        }
        removed.put(channel.address, channel.newest);
        if (removed.size() > options.maxAddresses() + options.maxRecipients()) {
            Iterator<Map.Entry<Address, EventId>> eldest = removed.entrySet().iterator();
            EventId floor = eldest.next().getValue();
            eldest.remove();
            if (floor.isAfter(forgottenFloor)) {
                forgottenFloor = floor;
            }
        }
    }

    private void expire(Channel channel, long now) {
        EntryRing history = channel.history;
        while (!history.isEmpty() && now - history.oldest().atNanos() > historyAgeNanos) {
            channel.lost(history.removeOldest());
        }
        EntryRing offline = channel.offline;
        while (offline != null && !offline.isEmpty() && now - offline.oldest().atNanos() > offlineAgeNanos) {
            channel.queueLost = offline.removeOldest().position();
            channel.dropped++;
            dropped++;
        }
    }

    /** Nanoseconds from {@code now} until the next entry of {@code channel} expires, or {@code Long.MAX_VALUE}. */
    private long nextExpiry(Channel channel, long now) {
        long next = Long.MAX_VALUE;
        if (!channel.history.isEmpty()) {
            next = channel.history.oldest().atNanos() + historyAgeNanos - now;
        }
        if (channel.offline != null && !channel.offline.isEmpty()) {
            next = Math.min(next, channel.offline.oldest().atNanos() + offlineAgeNanos - now);
        }
        return next;
    }

    /** Runs {@link #expire()} after {@code delayNanos} (at least the granularity) unless a sweep is pending. */
    private void scheduleSweep(long delayNanos) {
        if (sweep != null || closed) {
            return;
        }
        long delay = Math.max(delayNanos + TimeUnit.MILLISECONDS.toNanos(1), sweepGranularityNanos);
        Runnable task = this::expire;
        try {
            sweep = scheduler.schedule(task, delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // the application's scheduler stopped: entries now expire only when their address is used
            LOG.log(System.Logger.Level.WARNING, "the registry's scheduler refused the expiry sweep", e);
        }
    }
}
