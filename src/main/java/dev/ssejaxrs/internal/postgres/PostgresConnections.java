package dev.ssejaxrs.internal.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.ssejaxrs.postgres.PostgresOptions;
import dev.ssejaxrs.postgres.PostgresUnavailableException;

/**
 * The store's working connections: {@code poolSize} threads, each task on one of them borrowing one of at most
 * {@code poolSize} connections (opened on first need, in auto-commit, named {@code sse-jaxrs registry} in
 * {@code pg_stat_activity}). A connection that fails with a connection error is closed and replaced on the next
 * task. Failures are translated once, here: connection errors and timeouts become
 * {@link PostgresUnavailableException}, anything else an {@link IllegalStateException} that quotes PostgreSQL.
 * Thread-safe; stages complete on the pool's threads.
 */
final class PostgresConnections implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PostgresConnections.class.getName());
    static final String APPLICATION_NAME = "sse-jaxrs registry";

    /** Work on a borrowed connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final PostgresOptions options;
    private final ThreadPoolExecutor executor;
    private final ArrayBlockingQueue<Connection> idle;
    private volatile boolean closed;

    PostgresConnections(PostgresOptions options) {
        this.options = options;
        this.idle = new ArrayBlockingQueue<>(options.poolSize());
        AtomicInteger count = new AtomicInteger();
        String name = "sse-pg-" + options.tablePrefix() + "-";
        this.executor = new ThreadPoolExecutor(options.poolSize(), options.poolSize(), 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, name + count.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
    }

    /** Runs {@code work} on a pool thread with a connection; {@code what} names it in failures. */
    <T> CompletableFuture<T> submit(String what, Work<T> work) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the event registry is closed"));
        }
        try {
            return CompletableFuture.supplyAsync(() -> runNow(what, work), executor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new IllegalStateException("the event registry is closed", e));
        }
    }

    private <T> T runNow(String what, Work<T> work) {
        Connection c = idle.poll();
        try {
            if (c == null) {
                c = open(APPLICATION_NAME);
            }
            T result = work.run(c);
            release(c);
            return result;
        } catch (SQLException e) {
            boolean broken = c == null || isBroken(e);
            if (broken) {
                closeQuietly(c);
            } else {
                release(c);
            }
            throw broken ? unavailable(what, e) : new IllegalStateException("PostgreSQL refused to " + what + ": "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            release(c);
            throw e;
        }
    }

    /** A new connection in auto-commit, named {@code applicationName}. */
    Connection open(String applicationName) throws SQLException {
        Connection c = options.connections().open();
        if (c == null) {
            throw new SQLException("the connection source returned null", "08001");
        }
        try (Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            s.execute("set application_name = '" + applicationName + "'");
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
        return c;
    }

    /** A statement on {@code c} with the command timeout. */
    PreparedStatement prepare(Connection c, String sql) throws SQLException {
        PreparedStatement s = c.prepareStatement(sql);
        s.setQueryTimeout((int) Math.max(1, options.commandTimeout().toSeconds()));
        return s;
    }

    PostgresUnavailableException unavailable(String what, Throwable cause) {
        return new PostgresUnavailableException("cannot " + what + ": PostgreSQL at " + options.description()
                + " is unavailable (" + cause.getMessage() + "); nothing is buffered", cause);
    }

    /** Connection errors (class 08), shutdowns (57P) and cancelled statements (a timeout, 57014). */
    static boolean isBroken(SQLException e) {
        String state = e.getSQLState();
        return state == null || state.startsWith("08") || state.startsWith("57");
    }

    private void release(Connection c) {
        if (c == null) {
            return;
        }
        if (closed || !idle.offer(c)) {
            closeQuietly(c);
        }
    }

    static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing a registry connection", e);
            }
        }
    }

    /** Stops the threads (a statement in flight may finish) and closes every connection. */
    @Override
    public void close() {
        closed = true;
        executor.shutdown();
        try {
            if (!executor.awaitTermination(options.commandTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
        Connection c;
        while ((c = idle.poll()) != null) {
            closeQuietly(c);
        }
    }
}
