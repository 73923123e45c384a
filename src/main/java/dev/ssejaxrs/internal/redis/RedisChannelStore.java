package dev.ssejaxrs.internal.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.AddressStats;
import dev.ssejaxrs.broadcast.Delivery;
import dev.ssejaxrs.broadcast.RegistryOptions;
import dev.ssejaxrs.broadcast.RegistryStats;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.internal.core.CallbackFailure;
import dev.ssejaxrs.internal.store.AddressCompleteException;
import dev.ssejaxrs.internal.store.Busiest;
import dev.ssejaxrs.internal.store.ChannelStore;
import dev.ssejaxrs.internal.store.ConnectionQueue;
import dev.ssejaxrs.internal.store.EventId;
import dev.ssejaxrs.internal.store.PresenceBook;
import dev.ssejaxrs.redis.RedisOptions;

/**
 * The registry's addresses in Redis Streams ({@link RedisEventLog}), shared by every node on one Redis; only the
 * subscribers of this node are kept here. Publishing is one Redis script ({@code XADD} to the address's stream, and
 * to a recipient's offline queue when it has no connection on any node); this node's subscribers, like every other
 * node's, get the event from the log's reader ({@link #onEntry}), encoded once per event by the stream core.
 *
 * <p>Joining follows {@link RedisEventLog}'s protocol: presence of each recipient, the latest id {@code X}, then
 * under the lock {@code P = max follow(address, X)} and the member registered as catching up (live entries up to
 * {@code P} skipped, later ones buffered), then the replay (or offline queue) up to {@code P} read from Redis, and
 * under the lock the replay and the buffer handed to the queue: gap-free and duplicate-free. Each member remembers,
 * per address, the last id it was offered, so that an entry handed over twice (a re-followed address) is offered
 * once.
 *
 * <p>Concurrency: one {@link ReentrantLock} guards the local members and addresses; the reader thread
 * ({@link #onEntry}) and the join continuations (Lettuce's I/O threads) take it briefly and never wait for Redis
 * under it. Thread-safe.
 */
public final class RedisChannelStore implements ChannelStore, RedisEventLog.Listener {
    private static final System.Logger LOG = System.getLogger(RedisChannelStore.class.getName());
    /** Entries per replay command (a replay pages through the retained history). */
    private static final int REPLAY_PAGE = 1000;

    private final RegistryOptions options;
    private final ReentrantLock lock = new ReentrantLock();
    /** The addresses this node follows: those with local members. */
    private final Map<Address, Local> locals = new HashMap<>();
    private final Map<ConnectionQueue, Member> members = new HashMap<>();
    private final AtomicLong published = new AtomicLong();
    private final RedisEventLog log;
    private final RedisPresence sharedPresence;
    private final RedisValues values;
    private final PresenceBook presence;
    private boolean closed;
    private long delivered;
    private long dropped;

    /** A store on the Redis of {@code options}; loads Lettuce. */
    public static ChannelStore open(RegistryOptions options) {
        return new RedisChannelStore(options);
    }

    private RedisChannelStore(RegistryOptions options) {
        this.options = options;
        RedisOptions redis = options.redis().toBuilder()
                .history(Math.max(1, options.historySize()), options.historyAge())
                .offlineQueue(options.offlineQueueSize(), options.offlineQueueAge())
                .build();
        this.log = RedisEventLog.start(redis, this);
        this.sharedPresence = new RedisPresence(log);
        this.values = new RedisValues(log);
        this.presence = new PresenceBook(sharedPresence, options.presenceEventsWindow(), options.scheduler(),
                this::append);
    }

    /** The event log (for tests: its node id names its Redis connections). */
    public RedisEventLog log() {
        return log;
    }

    /** One address followed here. */
    private static final class Local {
        final Address address;
        final Set<Member> members = new LinkedHashSet<>();
        long delivered;
        long dropped;

        Local(Address address) {
            this.address = address;
        }
    }

    /** One local subscriber connection. */
    private static final class Member {
        final ConnectionQueue queue;
        /** Per address, the newest id offered, skipped or buffered: never offer an id twice, nor an older one. */
        final Map<Address, EventId> last = new HashMap<>();
        /** Live events that came while the replay was read; {@code null} once live. */
        List<SseEvent> buffer;
        boolean registered;
        /** Whether its recipients' presence was sent (then leave removes it). */
        boolean online;
        /** Per recipient address, its cursor when this member joined ({@link RedisEventLog.RecipientJoin}). */
        final Map<String, EventId> cursors = new HashMap<>();
        /** Whether it was handed an address's last event: its stream ends after it. */
        boolean ending;
        boolean left;

        Member(ConnectionQueue queue) {
            this.queue = queue;
        }
    }

    @Override
    public CompletionStage<Delivery> append(Address address, SseEvent event) {
        lock.lock();
        try {
            ensureOpen();
        } finally {
            lock.unlock();
        }
        return log.append(address, event).handle((appended, failure) -> {
            if (failure != null) {
                throw new CompletionException(complete(failure));
            }
            published.incrementAndGet();
            return new Delivery(appended.id(), 0, appended.queued(), 0);
        });
    }

    /**
     * The latest id in Redis, read when the resource method opens a subscription (one round trip, at most the
     * command timeout), so that the join replays what is published after it; {@code null} when Redis does not answer
     * (the join then fails too).
     */
    @Override
    public EventId openPosition() {
        try {
            return EventId.parse(log.latestId().toCompletableFuture()
                    .get(options.redis().commandTimeout().toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public CompletionStage<Void> join(ConnectionQueue queue) {
        Member member = new Member(queue);
        lock.lock();
        try {
            ensureOpen();
            members.put(queue, member);
        } finally {
            lock.unlock();
        }
        // What happens before what: the subscription's start is the position taken when the resource method opened
        // it (before the response head could leave), else the latest id read here; then the presence of its
        // recipients is registered; then it follows its addresses from there and the catch-up replays what was
        // published after the start. So an event published once the client has the head, or while a recipient's
        // presence was being registered (not queued: the recipient looks online), is replayed or read live.
        CompletionStage<EventId> opened = queue.openedAt() != null
                ? CompletableFuture.completedFuture(queue.openedAt())
                : log.latestId().thenApply(EventId::parse);
        return opened.thenCompose(start -> CompletableFuture
                .allOf(online(member).toArray(CompletableFuture[]::new))
                .thenCompose(online -> {
                    EventId position = register(member, start);
                    if (position == null) {
                        return CompletableFuture.completedFuture(null); // left meanwhile
                    }
                    return catchUp(member, start, position).thenAccept(first -> goLive(member, first));
                }));
    }

    /**
     * Registers the presence of the member's recipients (counted here, uncounted in leave) and keeps their cursors
     * (each read with its presence, in one script).
     */
    private List<CompletableFuture<Void>> online(Member member) {
        List<CompletableFuture<Void>> presence = new ArrayList<>();
        lock.lock();
        try {
            if (member.left) {
                return presence; // left before its presence was sent: leave counted nothing either
            }
            member.online = true;
            for (Address address : member.queue.addresses()) {
                if (address.kind() == Address.Kind.RECIPIENT) {
                    presence.add(log.online(address.name()).toCompletableFuture().thenAccept(joined -> {
                        lock.lock();
                        try {
                            member.cursors.put(address.name(), EventId.parse(joined.cursor()));
                        } finally {
                            lock.unlock();
                        }
                    }));
                }
            }
        } finally {
            lock.unlock();
        }
        return presence;
    }

    /** Follows the member's addresses and registers it as catching up; its position, or null when it left. */
    private EventId register(Member member, EventId latest) {
        lock.lock();
        try {
            if (member.left || closed) {
                return null;
            }
            EventId position = latest;
            for (Address address : member.queue.addresses()) {
                EventId p = EventId.parse(log.follow(address, latest.toString()));
                position = p.isAfter(position) ? p : position;
            }
            for (Address address : member.queue.addresses()) {
                locals.computeIfAbsent(address, Local::new).members.add(member);
                member.last.put(address, position);
            }
            member.buffer = new ArrayList<>();
            member.registered = true;
            presence.joined(member.queue);
            return position;
        } finally {
            lock.unlock();
        }
    }

    /**
     * What the member gets before live events, up to {@code position}: replay after its id, or what was published
     * after {@code start} (where it opened, or the latest id before its recipients' presence was registered) and, for
     * a recipient, its queue and what its stream holds after its cursor (given to no connection: published while a
     * dead node's presence made it look online, or after its last stream ended).
     */
    private CompletionStage<List<SseEvent>> catchUp(Member member, EventId start, EventId position) {
        String lastEventId = member.queue.lastEventId();
        TreeMap<EventId, Map.Entry<Address, SseEvent>> merged = new TreeMap<>(); // one event per id, in id order
        boolean[] incomplete = {false};
        String[] lostAfter = {null}; // without Last-Event-ID: the cursor after which events are gone
        CompletableFuture<Void> all = CompletableFuture.completedFuture(null);
        for (Address address : member.queue.addresses()) {
            if (lastEventId != null) {
                if (options.historySize() == 0) {
                    incomplete[0] = true; // no replay kept (the stream keeps one entry for the other nodes)
                } else {
                    all = all.thenCompose(v -> replay(address, lastEventId, position, merged, incomplete, member));
                }
            }
            EventId cursor = lastEventId == null && address.kind() == Address.Kind.RECIPIENT
                    ? member.cursors.get(address.name()) : null;
            if (cursor != null && start.isAfter(cursor) && options.historySize() > 0) {
                // given to no connection since the cursor: replayed, and a gap there is signalled
                boolean[] gone = {false};
                all = all.thenCompose(v -> replay(address, cursor.toString(), position, merged, gone, member)).thenRun(() -> {
                    if (gone[0]) {
                        incomplete[0] = true;
                        lostAfter[0] = cursor.toString();
                    }
                });
            } else if (lastEventId == null && options.historySize() > 0 && position.isAfter(start)) {
                // published after the subscription opened, or while a recipient's presence was being registered:
                // older than the position the reader follows from, so replayed
                all = all.thenCompose(v -> replay(address, start.toString(), position, merged, new boolean[1],
                        member));
            }
            if (address.kind() == Address.Kind.RECIPIENT) {
                // what waited is delivered (with an id, only what is after it): the queue is emptied either way
                EventId after = lastEventId == null ? null : EventId.parse(lastEventId);
                all = all.thenCompose(v -> log.takeQueued(address.name(), position.toString())).thenAccept(queued -> {
                    for (RedisEventLog.Entry entry : queued) {
                        EventId id = EventId.parse(entry.id());
                        if (lastEventId == null || after == null || id.isAfter(after)) {
                            merged.putIfAbsent(id, Map.entry(address, entry.event()));
                        }
                    }
                });
            }
        }
        return all.thenApply(v -> {
            List<SseEvent> first = new ArrayList<>();
            if (incomplete[0]) {
                first.add(SseEvent.builder().event(REPLAY_INCOMPLETE)
                        .data(lastEventId != null ? EventId.truncated(lastEventId) : lostAfter[0]).build());
            }
            try {
                for (Map.Entry<Address, SseEvent> e : merged.values()) {
                    if (options.accessPolicy().mayReceive(e.getKey(), e.getValue(), member.queue.caller())) {
                        first.add(e.getValue());
                    }
                }
            } catch (RuntimeException e) { // this subscriber only: its stream ends with CALLBACK_ERROR
                LOG.log(System.Logger.Level.WARNING, "refusing a registry subscriber: the access policy's "
                        + "mayReceive threw", e);
                throw new CallbackFailure("the access policy's mayReceive", e);
            }
            return first;
        });
    }

    /** Pages through the retained entries of {@code address} after {@code afterId}, up to {@code position}. */
    private CompletionStage<Void> replay(Address address, String afterId, EventId position,
            TreeMap<EventId, Map.Entry<Address, SseEvent>> merged, boolean[] incomplete, Member member) {
        return log.replay(address, afterId, position.toString(), REPLAY_PAGE).thenCompose(page -> {
            incomplete[0] |= page.incomplete();
            for (RedisEventLog.Entry entry : page.entries()) {
                merged.putIfAbsent(EventId.parse(entry.id()), Map.entry(address, entry.event()));
                if (entry.last()) {
                    markEnding(member); // the address is complete: the stream ends after its replay
                }
            }
            return page.more() ? replay(address, page.resumeAfter(), position, merged, new boolean[1], member)
                    : CompletableFuture.completedFuture(null);
        });
    }

    private void markEnding(Member member) {
        lock.lock();
        try {
            member.ending = true;
        } finally {
            lock.unlock();
        }
    }

    private void goLive(Member member, List<SseEvent> first) {
        Map<String, EventId> given = new HashMap<>();
        lock.lock();
        try {
            if (member.left) {
                return;
            }
            member.queue.fill(first);
            List<SseEvent> buffered = member.buffer;
            member.buffer = null;
            for (SseEvent event : buffered) {
                offer(member, null, event);
            }
            for (Address address : member.queue.addresses()) {
                if (address.kind() == Address.Kind.RECIPIENT) {
                    given.put(address.name(), member.last.get(address));
                }
            }
            if (member.ending) {
                member.queue.endAfterQueued();
            }
        } finally {
            lock.unlock();
        }
        member.queue.deliver();
        given.forEach(log::gave); // everything up to there is in its queue now
    }

    /** An entry of a followed address, from the log's reader thread (in id order per address). */
    @Override
    public void onEntry(Address address, RedisEventLog.Entry entry) {
        EventId id = EventId.parse(entry.id());
        SseEvent event = entry.event();
        if (handOut(address, id, (member, last) -> {
            member.last.put(address, id);
            if (entry.last()) {
                member.ending = true; // the address is complete: after this event, its stream ends
            }
            return options.accessPolicy().mayReceive(address, event, member.queue.caller()) ? event : null;
        }) && address.kind() == Address.Kind.RECIPIENT) {
            log.gave(address.name(), id); // handed to a live connection of the recipient here
        }
    }

    /**
     * Events of {@code address} after {@code lastId} were trimmed before this node's reader got them (it fell behind
     * the history: a paused process, a reader slower than the publishers). Every local member that has not been
     * given {@code next} yet gets {@link #EVENTS_LOST} before it, in its queue or in its catch-up buffer, so that the
     * loss is never silent; {@link #onEntry} then delivers {@code next} as usual.
     */
    @Override
    public void onGap(Address address, String lastId, RedisEventLog.Entry next) {
        LOG.log(System.Logger.Level.WARNING, () -> "events of " + address + " after " + lastId
                + " were trimmed before this node read them; continuing at " + next.id());
        handOut(address, EventId.parse(next.id()), (member, last) -> SseEvent.builder().event(EVENTS_LOST)
                .data(last != null ? last.toString() : lastId).build());
    }

    /**
     * Hands an event to each local member of {@code address} that has not been given {@code id} yet (its replay
     * did not reach past it): {@code eventFor} (called under the lock with the member and the newest id it was
     * given there) says which event, or {@code null} for none; when it throws (it asks the application's access
     * policy), that member's stream ends and the others go on. A member still catching up gets it in its buffer;
     * the others' queues are offered it under the lock and deliver it after. Returns whether a live member (not
     * catching up) was given it or filtered it out: a recipient's cursor may then move past it.
     */
    private boolean handOut(Address address, EventId id, BiFunction<Member, EventId, SseEvent> eventFor) {
        List<ConnectionQueue> offered = new ArrayList<>();
        boolean givenLive = false;
        lock.lock();
        try {
            Local local = locals.get(address);
            if (local == null) {
                return false;
            }
            for (Member member : local.members) {
                EventId last = member.last.get(address);
                if (last != null && !id.isAfter(last)) {
                    continue; // in its replay, or already offered
                }
                SseEvent event;
                try {
                    event = eventFor.apply(member, last);
                } catch (RuntimeException e) { // ends that subscriber only; the reader and the others go on
                    member.queue.callbackFailed("the access policy's mayReceive", e);
                    offered.add(member.queue);
                    continue;
                }
                if (member.buffer == null) {
                    givenLive = true;
                }
                if (event == null) {
                    if (member.ending && member.buffer == null) { // filtered out, but its stream ends all the same
                        member.queue.endAfterQueued();
                        offered.add(member.queue);
                    }
                    continue;
                }
                if (member.buffer != null) {
                    member.buffer.add(event); // given when it goes live (goLive moves the cursor)
                } else {
                    offer(member, local, event);
                    if (member.ending) {
                        member.queue.endAfterQueued();
                    }
                    offered.add(member.queue);
                }
            }
        } finally {
            lock.unlock();
        }
        for (ConnectionQueue queue : offered) {
            queue.deliver(); // outside the lock, which publishes and joins on other addresses need
        }
        return givenLive;
    }

    /** Under the lock: offers {@code event} and counts what happened. */
    private void offer(Member member, Local local, SseEvent event) {
        ConnectionQueue.Offer offer = member.queue.offer(event);
        int deliveredNow = offer.delivered();
        int droppedNow = offer.dropped();
        delivered += deliveredNow;
        dropped += droppedNow;
        if (local != null) {
            local.delivered += deliveredNow;
            local.dropped += droppedNow;
        }
    }

    @Override
    public void leave(ConnectionQueue queue) {
        List<String> recipients = new ArrayList<>();
        lock.lock();
        try {
            Member member = members.remove(queue);
            if (member == null) {
                return;
            }
            presence.left(queue);
            member.left = true;
            for (Address address : queue.addresses()) {
                if (address.kind() == Address.Kind.RECIPIENT && member.online) {
                    recipients.add(address.name());
                }
                Local local = locals.get(address);
                if (local != null && local.members.remove(member) && local.members.isEmpty()) {
                    locals.remove(address);
                    if (!closed) {
                        log.unfollow(address);
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        for (String recipient : recipients) {
            log.offline(recipient).exceptionally(e -> null); // Redis away: the log removes it when back
        }
    }

    @Override
    public int disconnectAll(Address address) {
        List<ConnectionQueue> current = new ArrayList<>();
        lock.lock();
        try {
            Local local = locals.get(address);
            if (local != null) {
                local.members.forEach(m -> current.add(m.queue));
            }
        } finally {
            lock.unlock();
        }
        current.forEach(ConnectionQueue::end);
        return current.size();
    }

    @Override
    public CompletionStage<Delivery> complete(Address address, SseEvent last, Duration kept) {
        lock.lock();
        try {
            ensureOpen();
        } finally {
            lock.unlock();
        }
        // the store's id, never the application's: a client that has it is told 204 (Kept.reachedBy)
        SseEvent event = (last == null ? SseEvent.builder().build() : last).withId(null);
        return log.complete(address, event, kept).handle((id, failure) -> {
            if (failure != null) {
                throw new CompletionException(complete(failure));
            }
            published.incrementAndGet();
            return new Delivery(id, 0, 0, 0);
        });
    }

    /**
     * {@code failure} as the store's {@link AddressCompleteException} when Redis refused because the address is
     * complete (the scripts' error replies start with the code {@code COMPLETE}), else as it is.
     */
    private static Throwable complete(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message != null && message.startsWith("COMPLETE ")
                ? new AddressCompleteException(message.substring("COMPLETE ".length())) : cause;
    }

    @Override
    public CompletionStage<Kept> kept(Address address) {
        return log.kept(address).thenApply(ids -> ids.get(0) == null && ids.get(1) == null ? null
                : new Kept(EventId.parse(ids.get(0)), EventId.parse(ids.get(1))));
    }

    /** Nothing to do here: Redis trims each stream by size and age on every publish, and idle keys expire. */
    @Override
    public void expire() {
    }

    /** Never: nothing of an address without local subscribers is kept in this process. */
    @Override
    public boolean evict(Address address) {
        return false;
    }

    @Override
    public AddressStats stats(Address address) {
        lock.lock();
        try {
            Local local = locals.get(address);
            return local == null ? new AddressStats(address, 0, 0, 0, 0, 0, 0) : stats(local);
        } finally {
            lock.unlock();
        }
    }

    private static AddressStats stats(Local local) {
        return new AddressStats(local.address, local.members.size(), 0, 0, 0, local.delivered, local.dropped);
    }

    @Override
    public RegistryStats stats(int busiest, Map<String, Long> disconnects) {
        Comparator<Local> busier = Comparator.<Local>comparingInt(l -> l.members.size())
                .thenComparingLong(l -> l.delivered);
        lock.lock();
        try {
            List<AddressStats> list = Busiest.of(locals.values(), busier, busiest).stream()
                    .map(RedisChannelStore::stats).toList();
            return new RegistryStats(locals.size(), 0, members.size(), 0, 0, published.get(), delivered, dropped,
                    Map.copyOf(disconnects), list);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        List<ConnectionQueue> open;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            open = List.copyOf(members.keySet());
        } finally {
            lock.unlock();
        }
        open.forEach(ConnectionQueue::end); // their leave, later, only counts them off locally
        Set<Address> present = presence.localAddresses();
        presence.close();
        sharedPresence.removeAll(present);
        log.close();
    }

    @Override
    public PresenceBook presence() {
        return presence;
    }

    @Override
    public CompletionStage<List<SseEvent>> latest(Address address, EventId upTo,
            java.util.function.Function<SseEvent, String> key) {
        return values.latest(address, upTo, key);
    }

    /** The newest id in Redis (one round trip, at most the command timeout). */
    @Override
    public EventId head() {
        try {
            return values.head().toCompletableFuture().get(options.redis().commandTimeout().toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the head", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new dev.ssejaxrs.redis.RedisUnavailableException("cannot read the head: Redis at "
                    + options.redis().redactedUri() + " did not answer in time", e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the event registry is closed");
        }
    }
}
