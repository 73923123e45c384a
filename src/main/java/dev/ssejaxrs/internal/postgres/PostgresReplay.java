package dev.ssejaxrs.internal.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

import dev.ssejaxrs.broadcast.Address;

/**
 * Reading what a joining subscriber missed, by position range: the retained events of each address after its
 * {@code Last-Event-ID} (or after where the subscription opened) up to the position from which it gets events live,
 * merged in position order, one per position; and a recipient's offline queue, taken (deleted) as it is read.
 *
 * <p>A resume from {@code L} is exact when {@code L} is a position this store issued ({@code <= p_clock.last}),
 * the address's floor (the newest position trimmed, or the floor of forgotten addresses) is not after it, and no
 * retained event after it is older than the history age. The events are read before the floor, so a trim between
 * the two shows as incomplete, never as a silent gap. One task per join, on one pool connection.
 */
final class PostgresReplay {
    private final PostgresSchema schema;
    private final PostgresConnections connections;

    /**
     * What a subscriber gets before live events.
     *
     * @param incomplete whether events after its {@code Last-Event-ID} may be gone
     * @param events the events, in position order, each once
     */
    record CatchUp(boolean incomplete, List<StoredEvent> events) {
    }

    PostgresReplay(PostgresSchema schema, PostgresConnections connections) {
        this.schema = schema;
        this.connections = connections;
    }

    /** The newest position given out (committed): every event published from now on is after it. */
    CompletableFuture<Long> latest() {
        return connections.submit("read the newest id", c -> {
            try (PreparedStatement s = connections.prepare(c, "select last from " + schema.table("clock"));
                    ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        });
    }

    /**
     * The catch-up of a subscriber of {@code addresses}: with {@code lastEventId}, the retained events after it;
     * without, those after {@code start}; in both cases up to {@code upTo}, and each recipient's queue.
     */
    CompletableFuture<CatchUp> catchUp(List<Address> addresses, String lastEventId, long start, long upTo,
            boolean history) {
        return connections.submit("replay " + addresses, c -> {
            TreeMap<Long, StoredEvent> merged = new TreeMap<>();
            boolean incomplete = false;
            long after = lastEventId == null ? start : PostgresSchema.position(lastEventId);
            for (Address address : addresses) {
                if (lastEventId != null && !history) {
                    incomplete = true; // nothing kept for replay (the rows only carry events to the nodes)
                } else if (history && (lastEventId != null || upTo > start)) {
                    incomplete |= replay(c, address, after, upTo, merged) && lastEventId != null;
                }
                if (address.kind() == Address.Kind.RECIPIENT) {
                    for (StoredEvent queued : takeQueue(c, address.name())) {
                        if (queued.position() <= upTo && (lastEventId == null || queued.position() > after)) {
                            merged.putIfAbsent(queued.position(), queued);
                        }
                    }
                }
            }
            return new CatchUp(incomplete, new ArrayList<>(merged.values()));
        });
    }

    /** Adds the retained events of {@code address} in {@code (after, upTo]}; whether some may be gone. */
    private boolean replay(Connection c, Address address, long after, long upTo, TreeMap<Long, StoredEvent> into)
            throws SQLException {
        long horizon;
        long last;
        long forgotten;
        try (PreparedStatement s = connections.prepare(c, "select last, forgotten, (floor(extract(epoch from"
                + " clock_timestamp()) * 1000)::bigint - history_age_ms) << " + PostgresSchema.SEQUENCE_BITS
                + " from " + schema.table("clock")); ResultSet r = s.executeQuery()) {
            r.next();
            last = r.getLong(1);
            forgotten = r.getLong(2);
            horizon = r.getLong(3);
        }
        try (PreparedStatement s = connections.prepare(c, "select " + StoredEvent.COLUMNS + " from "
                + schema.table("events") + " where kind = ? and name = ? and pos > ? and pos >= ? and pos <= ?"
                + " order by pos")) {
            s.setString(1, StoredEvent.kind(address));
            s.setString(2, address.name());
            s.setLong(3, after);
            s.setLong(4, horizon);
            s.setLong(5, upTo);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    StoredEvent event = StoredEvent.read(r);
                    into.putIfAbsent(event.position(), event);
                }
            }
        }
        if (after < 0 || after > last) {
            return true; // not an id of this store
        }
        try (PreparedStatement s = connections.prepare(c, "select coalesce((select floor from "
                + schema.table("addresses") + " where kind = ? and name = ?), ?) > ? or exists (select 1 from "
                + schema.table("events") + " where kind = ? and name = ? and pos > ? and pos < ?)")) {
            s.setString(1, StoredEvent.kind(address));
            s.setString(2, address.name());
            s.setLong(3, forgotten);
            s.setLong(4, after);
            s.setString(5, StoredEvent.kind(address));
            s.setString(6, address.name());
            s.setLong(7, after);
            s.setLong(8, horizon);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getBoolean(1);
            }
        }
    }

    /** Deletes and returns {@code recipient}'s queue, without what is older than the offline age. */
    private List<StoredEvent> takeQueue(Connection c, String recipient) throws SQLException {
        List<StoredEvent> taken = new ArrayList<>();
        try (PreparedStatement s = connections.prepare(c, "delete from " + schema.table("queue")
                + " where recipient = ? returning pos, null::bigint, 'r'::text, recipient, event, data, comment,"
                + " retry_ms, pos >= (floor(extract(epoch from clock_timestamp()) * 1000)::bigint - (select"
                + " offline_age_ms from " + schema.table("clock") + ")) << " + PostgresSchema.SEQUENCE_BITS)) {
            s.setString(1, recipient);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    if (r.getBoolean(9)) {
                        taken.add(StoredEvent.read(r));
                    }
                }
            }
        }
        taken.sort(java.util.Comparator.comparingLong(StoredEvent::position));
        return taken;
    }
}
