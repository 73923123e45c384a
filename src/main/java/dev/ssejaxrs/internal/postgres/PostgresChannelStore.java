package dev.ssejaxrs.internal.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.AddressStats;
import dev.ssejaxrs.broadcast.Delivery;
import dev.ssejaxrs.broadcast.RegistryOptions;
import dev.ssejaxrs.broadcast.RegistryStats;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.internal.core.CallbackFailure;
import dev.ssejaxrs.internal.store.Busiest;
import dev.ssejaxrs.internal.store.ChannelStore;
import dev.ssejaxrs.internal.store.ConnectionQueue;
import dev.ssejaxrs.internal.store.EventId;
import dev.ssejaxrs.postgres.PostgresOptions;

/**
 * The registry's addresses in PostgreSQL, shared by every node on one database; only the subscribers of this node
 * are kept here. The concerns each have their class: {@link PostgresSchema} (tables, functions, trigger, why ids
 * never go backwards), {@link PostgresPublisher} (publish, in a transaction of its own or the application's, and
 * presence), {@link PostgresListener} (the one {@code LISTEN} connection: wake-ups, reading new events, the
 * presence lock, expiry), {@link PostgresReplay} (catch-up by position range, offline queues). This class is the
 * local fan-out and the join protocol.
 *
 * <p>Joining: the start (where the subscription opened, else the newest position), the presence of its recipients,
 * then under the lock {@code P = max(start, last position the listener handed over)} and the member registered as
 * catching up (live events up to {@code P} skipped, later ones buffered), then the catch-up up to {@code P} read
 * from the database, and under the lock the catch-up and the buffer handed to the queue. Gap-free because the
 * listener hands over every event after {@code P} (it reads by position, and a position is visible only once every
 * smaller one is), duplicate-free because each member remembers per address the last position it was offered.
 *
 * <p>Concurrency: one {@link ReentrantLock} guards the local members and addresses; the listener thread
 * ({@link #onEvents}) and the join continuations (the pool's threads) take it briefly and never wait for the
 * database under it. Thread-safe.
 */
public final class PostgresChannelStore implements ChannelStore {
    private static final System.Logger LOG = System.getLogger(PostgresChannelStore.class.getName());

    private final RegistryOptions options;
    private final PostgresOptions postgres;
    private final PostgresConnections connections;
    private final PostgresListener listener;
    private final PostgresPublisher publisher;
    private final PostgresReplay replay;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Address, Local> locals = new HashMap<>();
    private final Map<ConnectionQueue, Member> members = new HashMap<>();
    private final AtomicLong published = new AtomicLong();
    /** The newest position the listener handed over: every later one reaches {@link #onEvents}. */
    private long readUpTo;
    private boolean closed;
    private long delivered;
    private long dropped;

    /** A store on the PostgreSQL of {@code options}; loads pgjdbc. */
    public static ChannelStore open(RegistryOptions options) {
        return new PostgresChannelStore(options);
    }

    private PostgresChannelStore(RegistryOptions options) {
        this.options = options;
        this.postgres = options.postgres();
        PostgresSchema schema = new PostgresSchema(postgres.tablePrefix());
        this.connections = new PostgresConnections(postgres);
        int node = 1 + java.util.concurrent.ThreadLocalRandom.current().nextInt(Integer.MAX_VALUE - 1);
        this.publisher = new PostgresPublisher(schema, connections, node);
        this.replay = new PostgresReplay(schema, connections);
        try {
            connections.submit("create the registry's schema", c -> {
                if (postgres.createSchema()) {
                    schema.create(c);
                }
                schema.configure(c, options);
                return null;
            }).get();
            long minAge = Math.min(options.historyAge().toMillis(), options.offlineQueueAge().toMillis());
            this.listener = PostgresListener.start(schema, connections, postgres, node, new PostgresListener.Reader() {
                @Override
                public void onEvents(List<StoredEvent> events) {
                    PostgresChannelStore.this.onEvents(events);
                }

                @Override
                public void onReconnected() {
                    publisher.reassert().exceptionally(e -> {
                        LOG.log(System.Logger.Level.WARNING, "could not register this node's recipients again; "
                                + "their events are queued as well as delivered until they reconnect", e);
                        return null;
                    });
                }
            }, Math.max(100, Math.min(60_000, minAge / 2)));
        } catch (SQLException e) {
            connections.close();
            throw connections.unavailable("start the registry", e);
        } catch (ExecutionException e) {
            connections.close();
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connections.close();
            throw new IllegalStateException("interrupted while starting the registry on PostgreSQL", e);
        }
        lock.lock();
        try { // the listener may have handed events over already
            readUpTo = Math.max(readUpTo, listener.startedAfter());
        } finally {
            lock.unlock();
        }
        LOG.log(System.Logger.Level.INFO, () -> "event registry on PostgreSQL " + postgres.description()
                + ", tables " + postgres.tablePrefix() + "_*, as node " + listener.node);
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
        /** Per address, the newest position offered, skipped or buffered: never offer one twice, nor an older. */
        final Map<Address, Long> last = new HashMap<>();
        /** Live events that came while the catch-up was read; {@code null} once live. */
        List<SseEvent> buffer;
        /** Whether its recipients' presence was sent (then leave removes it). */
        boolean online;
        boolean left;

        Member(ConnectionQueue queue) {
            this.queue = queue;
        }
    }

    @Override
    public CompletionStage<Delivery> append(Address address, SseEvent event) {
        ensureOpen();
        return publisher.append(address, event).thenApply(appended -> {
            published.incrementAndGet();
            return new Delivery(appended.id(), 0, appended.queued() ? 1 : 0, 0);
        });
    }

    @Override
    public void appendInTransaction(Connection transaction, Address address, SseEvent event) throws SQLException {
        ensureOpen();
        publisher.appendInTransaction(transaction, address, event);
        published.incrementAndGet();
    }

    /**
     * The newest committed position, read when the resource method opens a subscription (one round trip, at most
     * the command timeout); {@code null} when the database does not answer (the join then fails too).
     */
    @Override
    public EventId openPosition() {
        try {
            return PostgresSchema.id(replay.latest().get(postgres.commandTimeout().toMillis() + 1000,
                    TimeUnit.MILLISECONDS));
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
        // the start is taken before the presence: an event published in between is replayed or queued
        CompletionStage<Long> opened = queue.openedAt() != null
                ? CompletableFuture.completedFuture(PostgresSchema.position(queue.openedAt()))
                : replay.latest();
        return opened.thenCompose(start -> CompletableFuture
                .allOf(online(member).toArray(CompletableFuture[]::new))
                .thenCompose(online -> {
                    Long position = register(member, start);
                    if (position == null) {
                        return CompletableFuture.completedFuture(null); // left meanwhile
                    }
                    return replay.catchUp(queue.addresses(), queue.lastEventId(), start, position,
                            options.historySize() > 0).thenAccept(catchUp -> goLive(member, catchUp));
                }));
    }

    /** Registers the presence of the member's recipients (counted here, uncounted in leave). */
    private List<CompletableFuture<Void>> online(Member member) {
        List<CompletableFuture<Void>> presence = new ArrayList<>();
        lock.lock();
        try {
            if (member.left) {
                return presence;
            }
            member.online = true;
            for (Address address : member.queue.addresses()) {
                if (address.kind() == Address.Kind.RECIPIENT) {
                    presence.add(publisher.online(address.name()));
                }
            }
        } finally {
            lock.unlock();
        }
        return presence;
    }

    /** Follows the member's addresses and registers it as catching up; its position, or null when it left. */
    private Long register(Member member, long start) {
        lock.lock();
        try {
            if (member.left || closed) {
                return null;
            }
            long position = Math.max(start, readUpTo);
            for (Address address : member.queue.addresses()) {
                locals.computeIfAbsent(address, Local::new).members.add(member);
                member.last.put(address, position);
            }
            member.buffer = new ArrayList<>();
            return position;
        } finally {
            lock.unlock();
        }
    }

    private void goLive(Member member, PostgresReplay.CatchUp catchUp) {
        List<SseEvent> first = new ArrayList<>();
        if (catchUp.incomplete()) {
            first.add(SseEvent.builder().event(REPLAY_INCOMPLETE)
                    .data(EventId.truncated(member.queue.lastEventId())).build());
        }
        try {
            for (StoredEvent stored : catchUp.events()) {
                if (options.accessPolicy().mayReceive(stored.address(), stored.event(), member.queue.caller())) {
                    first.add(stored.event());
                }
            }
        } catch (RuntimeException e) { // this subscriber only: its stream ends with CALLBACK_ERROR
            LOG.log(System.Logger.Level.WARNING, "refusing a registry subscriber: the access policy's "
                    + "mayReceive threw", e);
            throw new CallbackFailure("the access policy's mayReceive", e);
        }
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
        } finally {
            lock.unlock();
        }
        member.queue.deliver();
    }

    /**
     * New events, from the listener thread, in position order. Each local member of an event's address that has not
     * been given it yet gets it (in its buffer while catching up); one whose previous event on that address it
     * never got (trimmed before this node read it) gets {@link #EVENTS_LOST} first, so that a loss is never silent.
     */
    private void onEvents(List<StoredEvent> events) {
        List<ConnectionQueue> offered = new ArrayList<>();
        lock.lock();
        try {
            for (StoredEvent stored : events) {
                readUpTo = stored.position();
                Local local = locals.get(stored.address());
                if (local == null) {
                    continue;
                }
                for (Member member : local.members) {
                    Long last = member.last.get(stored.address());
                    if (last != null && stored.position() <= last) {
                        continue; // in its catch-up, or already offered
                    }
                    member.last.put(stored.address(), stored.position());
                    if (last != null && stored.previous() > last) {
                        LOG.log(System.Logger.Level.WARNING, () -> "events of " + stored.address() + " after "
                                + PostgresSchema.id(last) + " were trimmed before this node read them");
                        handOut(member, local, SseEvent.builder().event(EVENTS_LOST)
                                .data(PostgresSchema.id(last).toString()).build(), offered);
                    }
                    SseEvent event;
                    try {
                        if (!options.accessPolicy().mayReceive(stored.address(), stored.event(),
                                member.queue.caller())) {
                            continue;
                        }
                        event = stored.event();
                    } catch (RuntimeException e) { // ends that subscriber only; the listener and the others go on
                        member.queue.callbackFailed("the access policy's mayReceive", e);
                        offered.add(member.queue);
                        continue;
                    }
                    handOut(member, local, event, offered);
                }
            }
        } finally {
            lock.unlock();
        }
        for (ConnectionQueue queue : offered) {
            queue.deliver(); // outside the lock, which joins need
        }
    }

    /** Under the lock: into the member's buffer while it catches up, else offered to its queue. */
    private void handOut(Member member, Local local, SseEvent event, List<ConnectionQueue> offered) {
        if (member.buffer != null) {
            member.buffer.add(event);
        } else {
            offer(member, local, event);
            offered.add(member.queue);
        }
    }

    /** Under the lock: offers {@code event} and counts what happened. */
    private void offer(Member member, Local local, SseEvent event) {
        ConnectionQueue.Offer offer = member.queue.offer(event);
        delivered += offer.delivered();
        dropped += offer.dropped();
        if (local != null) {
            local.delivered += offer.delivered();
            local.dropped += offer.dropped();
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
            member.left = true;
            for (Address address : queue.addresses()) {
                if (address.kind() == Address.Kind.RECIPIENT && member.online) {
                    recipients.add(address.name());
                }
                Local local = locals.get(address);
                if (local != null && local.members.remove(member) && local.members.isEmpty()) {
                    locals.remove(address);
                }
            }
        } finally {
            lock.unlock();
        }
        recipients.forEach(publisher::offline);
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

    /** Nothing to do here: each publish trims its address, and the listener runs {@code p_expire()} on time. */
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
                    .map(PostgresChannelStore::stats).toList();
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
        open.forEach(ConnectionQueue::end);
        listener.close(); // drops this node's presence lock: its recipients count as offline at once
        connections.close();
    }

    private void ensureOpen() {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the event registry is closed");
            }
        } finally {
            lock.unlock();
        }
    }

    /** This node's presence key (for tests). */
    int node() {
        return listener.node;
    }
}
