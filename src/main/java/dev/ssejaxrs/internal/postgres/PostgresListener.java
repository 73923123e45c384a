package dev.ssejaxrs.internal.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import dev.ssejaxrs.postgres.PostgresOptions;

/**
 * This node's one listening connection: {@code LISTEN p_events} for wake-ups, reading every new event in position
 * order ({@code pos > last read}) and handing it to the {@link Reader}, this node's presence lock
 * ({@code pg_advisory_lock(key, node)}, which PostgreSQL drops with the session, so a crashed node counts as gone at
 * once), and the timing of the periodic {@code p_expire()} (run on the pool, so that this connection never waits
 * for a lock).
 *
 * <p>Life: {@link #start} opens the connection, takes the presence lock, listens and reads the newest position, on
 * the caller's thread (so a registry that cannot reach PostgreSQL fails at once); then one daemon thread waits in
 * pgjdbc's {@code getNotifications(timeout)} and, on every wake-up and every {@code healthCheckInterval} (or sooner
 * when something may expire), reads what is new. Notifications only wake it: what it reads is decided by position,
 * so a notification lost while reconnecting loses nothing. When the connection breaks it reconnects with a growing
 * delay (100 ms to 2 s) and reads on after the last position it handed over; when its previous session still holds
 * the presence lock (PostgreSQL has not noticed it is gone), it terminates that session first. {@link #close} aborts the connection,
 * which ends the wait at once, and joins the thread. One lock guards the state.
 */
final class PostgresListener implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PostgresListener.class.getName());
    static final String APPLICATION_NAME = "sse-jaxrs registry listener";
    private static final int BATCH = 1000;
    private static final long MAX_BACKOFF_MILLIS = 2000;

    /** Receives new events on the listener thread, in position order, each once. */
    interface Reader {
        void onEvents(List<StoredEvent> events);

        /** The connection is back after a loss (this node counted as gone meanwhile); before any event read. */
        void onReconnected();
    }

    private final PostgresSchema schema;
    private final PostgresConnections connections;
    private final PostgresOptions options;
    private final Reader reader;
    private final long expiryEveryMillis;
    private final String read;
    /** This node's presence key: the second key of its advisory lock, the node column of its presence rows. */
    final int node;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private Connection connection;
    private Thread thread;
    private boolean closed;
    /** The newest position handed to the reader (only the listener thread changes it once started). */
    private long after;
    private long nextExpiry;
    /** The newest position when it started; written before the thread starts, never changed. */
    private long startedAfter;

    private PostgresListener(PostgresSchema schema, PostgresConnections connections, PostgresOptions options,
            int node, Reader reader, long expiryEveryMillis) {
        this.schema = schema;
        this.connections = connections;
        this.options = options;
        this.reader = reader;
        this.expiryEveryMillis = expiryEveryMillis;
        this.read = "select " + StoredEvent.COLUMNS + " from " + schema.table("events")
                + " where pos > ? order by pos limit " + BATCH;
        this.node = node;
    }

    /**
     * Connects as {@code node} (a positive number no other running node of the registry uses: its presence lock),
     * listens and starts the thread; the reader gets every event after the newest position at this moment.
     *
     * @throws SQLException when PostgreSQL cannot be reached
     */
    static PostgresListener start(PostgresSchema schema, PostgresConnections connections, PostgresOptions options,
            int node, Reader reader, long expiryEveryMillis) throws SQLException {
        PostgresListener listener = new PostgresListener(schema, connections, options, node, reader,
                expiryEveryMillis);
        Connection c = listener.connect();
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select last from " + schema.table("clock"))) {
            r.next();
            listener.after = r.getLong(1);
            listener.startedAfter = listener.after;
        } catch (SQLException | RuntimeException e) {
            PostgresConnections.closeQuietly(c);
            throw e;
        }
        listener.connection = c;
        listener.thread = new Thread(listener::run, "sse-pg-listener-" + options.tablePrefix());
        listener.thread.setDaemon(true);
        listener.thread.start();
        return listener;
    }

    /** The newest position when the listener started: the reader gets every later one. */
    long startedAfter() {
        return startedAfter;
    }

    private Connection connect() throws SQLException {
        Connection c = connections.open(APPLICATION_NAME);
        try (Statement s = c.createStatement()) {
            c.setNetworkTimeout(Runnable::run, (int) Math.min(Integer.MAX_VALUE,
                    2 * Math.max(options.commandTimeout().toMillis(), options.healthCheckInterval().toMillis())));
            if (!tryLock(s)) {
                // this node's session from before the reconnect, which PostgreSQL has not found dead yet (its
                // socket is gone but it waits on something): end it, so that this node counts as present again
                s.execute("select pg_terminate_backend(pid) from pg_locks where locktype = 'advisory' and granted"
                        + " and classid = " + schema.key + " and objid = " + node + " and objsubid = 2"
                        + " and pid <> pg_backend_pid()");
                if (!tryLock(s)) {
                    throw new SQLException("this node's presence lock is still held by its previous session",
                            "08004");
                }
            }
            s.execute("listen " + schema.channel());
        } catch (SQLException | RuntimeException e) {
            PostgresConnections.closeQuietly(c);
            throw e;
        }
        return c;
    }

    private boolean tryLock(Statement s) throws SQLException {
        try (ResultSet r = s.executeQuery("select pg_try_advisory_lock(" + schema.key + ", " + node + ")")) {
            r.next();
            return r.getBoolean(1);
        }
    }

    private void run() {
        long backoff = 100;
        Connection c = connection;
        while (true) {
            try {
                if (c == null) {
                    c = connect();
                    if (!adopt(c)) {
                        PostgresConnections.closeQuietly(c);
                        return;
                    }
                    LOG.log(System.Logger.Level.INFO, () -> "the registry listens on PostgreSQL again");
                    reader.onReconnected();
                }
                backoff = 100;
                listen(c);
            } catch (SQLException | RuntimeException e) {
                if (isClosed()) {
                    return;
                }
                LOG.log(System.Logger.Level.WARNING, "the registry's listening connection to PostgreSQL at "
                        + options.description() + " failed (" + e.getMessage() + "); reconnecting, then reading on "
                        + "after the last event read");
            }
            release(c);
            c = null;
            if (!awaitClose(backoff)) {
                return;
            }
            backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
        }
    }

    private void listen(Connection c) throws SQLException {
        PGConnection pg = c.unwrap(PGConnection.class);
        while (!isClosed()) {
            readNew(c);
            long now = System.nanoTime();
            if (now - nextExpiry >= 0) {
                // on the pool: the sweep may wait for row locks, and this connection must never wait
                connections.submit("expire old events", w -> {
                    try (Statement s = w.createStatement()) {
                        s.execute("select " + schema.table("expire") + "()");
                    }
                    return null;
                }).exceptionally(e -> {
                    LOG.log(System.Logger.Level.DEBUG, "the expiry sweep failed; it runs again later", e);
                    return null;
                });
                nextExpiry = now + TimeUnit.MILLISECONDS.toNanos(expiryEveryMillis);
            }
            long waitMillis = Math.max(1, Math.min(options.healthCheckInterval().toMillis(),
                    TimeUnit.NANOSECONDS.toMillis(nextExpiry - System.nanoTime())));
            PGNotification[] ignored = pg.getNotifications((int) Math.min(Integer.MAX_VALUE, waitMillis));
        }
    }

    /** Hands every event after {@link #after} to the reader, in batches. */
    private void readNew(Connection c) throws SQLException {
        while (true) {
            List<StoredEvent> batch = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(read)) {
                s.setLong(1, after);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        batch.add(StoredEvent.read(r));
                    }
                }
            }
            if (batch.isEmpty()) {
                return;
            }
            after = batch.get(batch.size() - 1).position();
            reader.onEvents(batch);
            if (batch.size() < BATCH) {
                return;
            }
        }
    }

    private boolean adopt(Connection c) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            connection = c;
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void release(Connection c) {
        lock.lock();
        try {
            if (connection == c) {
                connection = null;
            }
        } finally {
            lock.unlock();
        }
        PostgresConnections.closeQuietly(c);
    }

    private boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** Waits {@code millis} or until closed; whether still open. */
    private boolean awaitClose(long millis) {
        long left = TimeUnit.MILLISECONDS.toNanos(millis);
        lock.lock();
        try {
            while (!closed && left > 0) {
                left = changed.awaitNanos(left);
            }
            return !closed;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Aborts the connection (PostgreSQL drops the presence lock with it) and joins the thread. Idempotent. */
    @Override
    public void close() {
        Connection open;
        Thread running;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            open = connection;
            running = thread;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (open != null) {
            try {
                open.abort(Runnable::run);
            } catch (SQLException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "aborting the registry's listening connection", e);
            }
        }
        if (running != null && running != Thread.currentThread()) {
            try {
                running.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
