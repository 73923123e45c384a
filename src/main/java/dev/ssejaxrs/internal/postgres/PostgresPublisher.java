package dev.ssejaxrs.internal.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.event.SseEvent;

/**
 * Writing events and presence. Two ways to publish, one order:
 * <ul>
 * <li>{@link #append}: {@code p_publish(...)} on a pool connection, its own transaction: stamped, stored, queued
 *     for an offline recipient and notified at once; completes with the id.</li>
 * <li>{@link #appendInTransaction}: one {@code insert} on the application's connection, in its transaction; the
 *     deferred trigger stamps the row when that transaction commits (see {@link PostgresSchema} for why ids then
 *     never go backwards), and a rollback leaves nothing.</li>
 * </ul>
 * Presence: the first connection of a recipient on this node registers it ({@code p_online}, under the publish
 * lock, so a publish either saw it or committed before it), the last one removes it. Presence commands run one after
 * the other, in the order of the counts, so that a late "online" never outlives an "offline". Thread-safe.
 */
final class PostgresPublisher {
    private final PostgresSchema schema;
    private final PostgresConnections connections;
    private final int node;
    private final String publish;
    private final String insert;
    /** Open connections per recipient on this node; guarded by itself, with {@link #presence}. */
    private final Map<String, Integer> local = new HashMap<>();
    /** The last presence command: the next runs after it. */
    private CompletableFuture<Void> presence = CompletableFuture.completedFuture(null);

    /** What a publish did: the id, and whether a recipient had no connection on any node (then it was queued). */
    record Appended(String id, boolean queued) {
    }

    PostgresPublisher(PostgresSchema schema, PostgresConnections connections, int node) {
        this.schema = schema;
        this.connections = connections;
        this.node = node;
        this.publish = "select pos, queued from " + schema.table("publish") + "(?, ?, ?, ?, ?, ?)";
        this.insert = "insert into " + schema.table("events") + " (kind, name, event, data, comment, retry_ms)"
                + " values (?, ?, ?, ?, ?, ?)";
    }

    /** Publishes in a transaction of its own; completes once committed. */
    CompletableFuture<Appended> append(Address address, SseEvent event) {
        StoredEvent.check(address, event);
        return connections.submit("publish to " + address, c -> {
            try (PreparedStatement s = connections.prepare(c, publish)) {
                StoredEvent.bind(s, 1, address, event);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    return new Appended(PostgresSchema.id(r.getLong(1)).toString(), r.getBoolean(2));
                }
            }
        });
    }

    /** Adds {@code event} to the application's transaction on {@code transaction}: stamped and seen at its commit. */
    void appendInTransaction(Connection transaction, Address address, SseEvent event) throws SQLException {
        Objects.requireNonNull(transaction, "transaction");
        StoredEvent.check(address, event);
        try (PreparedStatement s = transaction.prepareStatement(insert)) {
            StoredEvent.bind(s, 1, address, event);
            s.executeUpdate();
        }
    }

    /** Counts a connection of {@code recipient} here; completes once its presence is in the database. */
    CompletableFuture<Void> online(String recipient) {
        synchronized (local) {
            if (local.merge(recipient, 1, Integer::sum) > 1) {
                return presence.handle((v, e) -> null);
            }
            return presence = presence.handle((v, e) -> null).thenCompose(v -> connections.submit(
                    "register the presence of a recipient", c -> {
                        try (PreparedStatement s = connections.prepare(c,
                                "select " + schema.table("online") + "(?, ?)")) {
                            s.setString(1, recipient);
                            s.setInt(2, node);
                            s.execute();
                        }
                        return null;
                    }));
        }
    }

    /**
     * Makes the database's presence rows of this node those of its connected recipients, under the publish lock:
     * called when the listening connection is back, since while it was away this node counted as gone (a publish
     * to its recipients removed its rows and queued), and a removal may have failed.
     */
    CompletableFuture<Void> reassert() {
        synchronized (local) {
            List<String> recipients = List.copyOf(local.keySet());
            return presence = presence.handle((v, e) -> null).thenCompose(v -> connections.submit(
                    "register the presence of this node's recipients again", c -> {
                        c.setAutoCommit(false);
                        try (PreparedStatement lock = connections.prepare(c, "select pg_advisory_xact_lock("
                                + PostgresSchema.LOCK_CLASS + ", " + schema.key + ")");
                                PreparedStatement clear = connections.prepare(c, "delete from "
                                        + schema.table("presence") + " where node = ?");
                                PreparedStatement add = connections.prepare(c, "insert into "
                                        + schema.table("presence") + " values (?, ?) on conflict do nothing")) {
                            lock.execute();
                            clear.setInt(1, node);
                            clear.execute();
                            for (String recipient : recipients) {
                                add.setString(1, recipient);
                                add.setInt(2, node);
                                add.addBatch();
                            }
                            add.executeBatch();
                            c.commit();
                        } catch (SQLException | RuntimeException e) {
                            c.rollback();
                            throw e;
                        } finally {
                            c.setAutoCommit(true);
                        }
                        return null;
                    }));
        }
    }

    /** Counts a closed connection of {@code recipient}; the last one removes this node's presence. */
    void offline(String recipient) {
        synchronized (local) {
            Integer count = local.get(recipient);
            if (count == null) {
                return;
            }
            if (count > 1) {
                local.put(recipient, count - 1);
                return;
            }
            local.remove(recipient);
            // a failure leaves a row that the next publish to it removes once this node is gone
            presence = presence.handle((v, e) -> null).thenCompose(v -> connections.submit(
                    "remove the presence of a recipient", c -> {
                        try (PreparedStatement s = connections.prepare(c, "delete from " + schema.table("presence")
                                + " where recipient = ? and node = ?")) {
                            s.setString(1, recipient);
                            s.setInt(2, node);
                            s.execute();
                        }
                        return null;
                    }));
        }
    }
}
