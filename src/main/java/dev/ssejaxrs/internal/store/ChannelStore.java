package dev.ssejaxrs.internal.store;

import java.time.Duration;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.AddressStats;
import dev.ssejaxrs.broadcast.Delivery;
import dev.ssejaxrs.broadcast.RegistryStats;
import dev.ssejaxrs.event.SseEvent;

/**
 * What keeps a registry's addresses: the back end behind {@code EventRegistry}. {@link MemoryChannelStore} keeps
 * them in this process; {@code RedisChannelStore} keeps history and offline queues in Redis Streams (whose ids are
 * {@link EventId}s), shared by every node, and subscribers local; {@code PostgresChannelStore} keeps them in
 * PostgreSQL tables the same way, and can publish inside the application's JDBC transaction. Every implementation passes the same behaviour
 * tests ({@code ChannelStoreContract} in the tests).
 *
 * <p>Both operations that may need a round trip are asynchronous: {@link #append} and {@link #join} return stages
 * (the memory store's are complete at once; Redis' complete on its I/O threads).
 *
 * <p>Contract, for every implementation:
 * <ul>
 * <li>Ids are {@link EventId}s, strictly increasing across all addresses of the store in publish order, and after
 *     every id an earlier run of the application issued.</li>
 * <li>A subscriber receives the events of its addresses in id order, each once: {@link #join} fills its queue
 *     with what it missed and registers it, so that no event published meanwhile is lost or repeated.</li>
 * <li>A {@code Last-Event-ID} that is not an id of the store, or older than what the store still retains of an
 *     address, gets {@link #REPLAY_INCOMPLETE} first, then everything retained: nothing is lost silently. Events
 *     that are gone before a live subscriber got them are announced by {@link #EVENTS_LOST}.</li>
 * <li>Memory is bounded: an address with no subscriber, no retained and no queued event is removed; beyond
 *     {@code maxAddresses} topics (or {@code maxRecipients} recipients, counted apart) the least recently used
 *     one without subscribers is evicted; retained and queued events expire on time without traffic. A recipient
 *     whose waiting events went (its cap, its queue's size or age) gets {@link #REPLAY_INCOMPLETE} first on its
 *     next join, with or without {@code Last-Event-ID}.</li>
 * </ul>
 * Where the Redis and PostgreSQL stores differ (by design; the contract tests say so where they skip a rule):
 * each keeps in this process only its subscribers, so {@code maxAddresses} eviction, {@link #evict} and the
 * retained/queued counts of {@link #stats} concern the memory store only (Redis trims each stream by size and age on
 * every publish, and an idle stream's key expires after the history age; PostgreSQL trims each address on publish
 * and sweeps by age); an event's own id is replaced by the store's id; and
 * {@link Delivery#delivered()} is 0, because each node's reader, not the publisher, hands the event to the
 * subscribers of that node.
 * Thread-safe.
 */
public interface ChannelStore extends AutoCloseable {
    /** Sent first when a {@code Last-Event-ID} cannot be resumed exactly: events may have been missed. */
    String REPLAY_INCOMPLETE = "replay-incomplete";
    /**
     * Sent to a live subscriber when events of one of its addresses are gone before they reached it (on Redis: the
     * node's reader fell behind the trimmed history). Its data is the id of the last event the subscriber was given
     * on that address; the events after it, up to the next one it receives, are lost.
     */
    String EVENTS_LOST = "events-lost";

    /**
     * Appends {@code event} to {@code address} (giving it the next id unless it has its own), to its history, to
     * its offline queue when it is a recipient without subscribers, and offers it to the subscribers.
     *
     * @return completes with what it did once the event is stored; may fail (Redis: with
     *     {@code RedisUnavailableException} at once while Redis is away)
     * @throws IllegalStateException when the store is closed
     */
    CompletionStage<Delivery> append(Address address, SseEvent event);

    /**
     * Adds {@code event} for {@code address} to the application's transaction open on {@code transaction}: it is
     * stored, gets its id and reaches subscribers if and only if that transaction commits. Only a store in the
     * database of that connection can (PostgreSQL).
     *
     * @throws SQLException when the database refuses the insert (the application's transaction decides what next)
     * @throws IllegalStateException when this store cannot publish in a JDBC transaction, or is closed
     */
    default void appendInTransaction(Connection transaction, Address address, SseEvent event) throws SQLException {
        throw new IllegalStateException("publishing inside a JDBC transaction needs the registry on PostgreSQL "
                + "(RegistryOptions.Builder.postgres): this registry keeps its events elsewhere");
    }

    /**
     * The position a subscription opening now starts from, or {@code null} when this store cannot name one (then a
     * subscription without {@code Last-Event-ID} starts with the events published after its join). Taken when the
     * resource method opens the subscription, before the response head can leave: an event published after that,
     * but before the join, is in the history after this position, and the join replays it (see {@link #join}).
     */
    default EventId openPosition() {
        return null;
    }

    /**
     * Registers {@code queue} on its addresses here, first filling it ({@link ConnectionQueue#fill}) with what to
     * send before live events: the events after its {@code Last-Event-ID} (or, without one, the events after its
     * {@linkplain ConnectionQueue#openedAt() opening position} and a recipient's offline queue), in id order,
     * filtered by the access policy. When events after that position may have gone (not retained), the queue
     * starts with {@link #REPLAY_INCOMPLETE}. A {@link #leave} before the stage completes is allowed:
     * the queue is then neither filled nor registered.
     *
     * @return completes once the queue is filled and registered; fails when the store cannot (closed, Redis away)
     */
    CompletionStage<Void> join(ConnectionQueue queue);

    /** Unregisters {@code queue}; again is harmless. An address left empty is removed. */
    void leave(ConnectionQueue queue);

    /** Ends the streams of the subscribers of {@code address} here after what they have queued; returns how many. */
    int disconnectAll(Address address);

    /** Drops history and offline entries older than their age, and addresses left empty. */
    void expire();

    /** Drops {@code address} with its history and offline queue unless it has subscribers; whether it did. */
    boolean evict(Address address);

    /** Counts of {@code address} (zeros when the store keeps nothing of it). */
    AddressStats stats(Address address);

    /** Totals, with the {@code busiest} busiest addresses and the given disconnect counts. */
    RegistryStats stats(int busiest, Map<String, Long> disconnects);

    /**
     * The presence of this store's streams (counted on join and leave) and, for a distributed store, of every
     * node's; {@code null} when this store keeps none.
     */
    default PresenceBook presence() {
        return null;
    }

    /**
     * The newest event of {@code address} at or before {@code upTo} for each key ({@code null} is a key too;
     * {@code key} itself {@code null}: the newest event only), in id order,
     * among what is retained: what a subscriber in latest-value mode gets first.
     *
     * @throws UnsupportedOperationException when this store cannot
     */
    default CompletionStage<java.util.List<SseEvent>> latest(Address address, EventId upTo,
            java.util.function.Function<SseEvent, String> key) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps no latest values");
    }

    /**
     * The position a page rendered now subscribes from ({@code Last-Event-ID}): every event published after this
     * call is after it, and a subscription that resumes from it is exact while the events after it are retained.
     *
     * @throws IllegalStateException when the store cannot name one (Redis away: a {@code RedisUnavailableException})
     */
    default EventId head() {
        EventId position = openPosition();
        if (position == null) {
            throw new IllegalStateException(getClass().getSimpleName() + " cannot name its head");
        }
        return position;
    }

    /**
     * Ends {@code address}: appends {@code last} (an event without fields when {@code null}; its own id is replaced
     * by the store's) as its last event, then every subscriber of the address, on every node, ends its stream after
     * that event. From then on, for {@code kept}, the address refuses events ({@link #append} fails with an
     * {@link IllegalStateException}) and {@link #kept} names the last event's id; a join replays what the subscriber
     * lacks up to that event, then its stream ends. After {@code kept} the store forgets the address (its history
     * too). A store that cannot end an address fails the stage with {@link UnsupportedOperationException}.
     *
     * @return completes with the last event's id once stored; fails with an {@link IllegalStateException} when the
     *     address is complete already
     */
    default CompletionStage<Delivery> complete(Address address, SseEvent last, Duration kept) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(
                getClass().getSimpleName() + " cannot complete an address"));
    }

    /**
     * What the store keeps of {@code address}: {@code null} when nothing (never used, expired or forgotten).
     *
     * @return completes with what is kept, or {@code null}; fails when the store cannot answer (Redis away)
     */
    default CompletionStage<Kept> kept(Address address) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(
                getClass().getSimpleName() + " cannot tell what it keeps of an address"));
    }

    /**
     * What a store keeps of one address.
     *
     * @param oldest the id of its oldest retained event, or {@code null} when none is retained
     * @param last the id of its last event when it is {@linkplain #complete complete}, else {@code null}
     */
    record Kept(EventId oldest, EventId last) {
        /** Whether the address is complete. */
        public boolean isComplete() {
            return last != null;
        }

        /**
         * Whether a client that saw {@code lastEventId} has the address's last event (only the store's ids count:
         * the last event always has one).
         */
        public boolean reachedBy(String lastEventId) {
            EventId seen = lastEventId == null ? null : EventId.parse(lastEventId);
            return last != null && seen != null && !last.isAfter(seen);
        }
    }

    /** Stops expiry and drops everything kept; subscribers' streams end. */
    @Override
    void close();
}
