package dev.ssejaxrs.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The demo's PostgreSQL: an embedded server (its binaries come in a jar; it runs in a temporary directory and is
 * removed on close) or a database given by JDBC URL ({@code --postgres}). Either way it holds a {@code todos} table
 * whose insert trigger sends {@code NOTIFY todo_inserted} with the row as JSON, whoever inserts it (the demo or
 * {@code psql}). Thread-safe: every call opens its own connection.
 */
final class TodoDatabase implements AutoCloseable {
    /** The channel the trigger notifies on. */
    static final String CHANNEL = "todo_inserted";
    /** A setting the demo sets in the transactions whose rows it publishes itself. */
    private static final String PUBLISHED_BY_APP = "sse_demo.published_by_app";
    /** The embedded server's own log lines (initdb, startup, shutdown) only when they are warnings. */
    private static final Logger EMBEDDED_LOG = Logger.getLogger("io.zonky.test");

    private static final Duration READY_LIMIT = Duration.ofSeconds(60);

    /** Completes once the server runs and the schema is in place: with the embedded server (or none) and the URL. */
    private final CompletableFuture<Ready> ready;

    private record Ready(EmbeddedPostgres embedded, String jdbcUrl) {
    }

    private TodoDatabase(CompletableFuture<Ready> ready) {
        this.ready = ready;
    }

    /**
     * Starts an embedded PostgreSQL on a free port, on a thread of its own (initdb takes seconds), so the caller can
     * set up the rest meanwhile; {@link #awaitReady} waits for it.
     */
    static TodoDatabase embedded() {
        EMBEDDED_LOG.setLevel(java.util.logging.Level.WARNING);
        CompletableFuture<Ready> ready = new CompletableFuture<>();
        Thread starter = new Thread(() -> {
            EmbeddedPostgres postgres = null;
            try {
                postgres = EmbeddedPostgres.builder().start();
                String url = postgres.getJdbcUrl("postgres", "postgres");
                createSchema(url);
                ready.complete(new Ready(postgres, url));
            } catch (IOException | SQLException | RuntimeException e) {
                closeQuietly(postgres);
                ready.completeExceptionally(e);
            }
        }, "demo-postgres-start");
        starter.setDaemon(true);
        starter.start();
        return new TodoDatabase(ready);
    }

    /** Uses the database at {@code jdbcUrl} (user and password in the URL or the pgjdbc defaults). */
    static TodoDatabase at(String jdbcUrl) throws SQLException {
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("--postgres must be a jdbc:postgresql: URL: " + shown(jdbcUrl));
        }
        createSchema(jdbcUrl);
        return new TodoDatabase(CompletableFuture.completedFuture(new Ready(null, jdbcUrl)));
    }

    /**
     * A JDBC URL to show in a log line or a message: without user info ({@code //user:password@}) and without its
     * parameters (pgjdbc takes {@code ?user=...&password=...}); {@code jdbc:postgresql://host:port/db?...}.
     */
    static String shown(String jdbcUrl) {
        return dev.ssejaxrs.postgres.PostgresOptions.redacted(jdbcUrl);
    }

    /** Waits until the database is ready, at most {@code limit}; fails with the reason it could not start. */
    void awaitReady(Duration limit) throws IOException {
        try {
            ready.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IOException("the embedded PostgreSQL did not start: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("the embedded PostgreSQL did not start within " + limit, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for PostgreSQL", e);
        }
    }

    /** The JDBC URL (with {@code psql}: {@code psql -h 127.0.0.1 -p PORT -U postgres}); waits until it is ready. */
    String jdbcUrl() throws IOException {
        awaitReady(READY_LIMIT);
        return ready.join().jdbcUrl();
    }

    /** A new connection, once the database is ready; the caller closes it. */
    Connection connect() throws SQLException {
        try {
            return DriverManager.getConnection(jdbcUrl());
        } catch (IOException e) {
            throw new SQLException(e.getMessage(), e);
        }
    }

    /** Inserts a row (the trigger notifies); returns its id. */
    long insert(String title) throws SQLException {
        try (Connection c = connect();
                PreparedStatement insert = c.prepareStatement("insert into todos (title) values (?) returning id")) {
            insert.setString(1, title);
            try (ResultSet row = insert.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    /** A row as the trigger's JSON has it: {@code created_at} in PostgreSQL's JSON form. */
    record Row(long id, String title, String createdAt) {
    }

    /** The newest {@code limit} rows, newest first. */
    java.util.List<Row> newest(int limit) throws SQLException {
        try (Connection c = connect();
                PreparedStatement select = c.prepareStatement("select id, title, to_json(created_at) #>> '{}'"
                        + " from todos order by id desc limit ?")) {
            select.setInt(1, limit);
            java.util.List<Row> rows = new java.util.ArrayList<>();
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    rows.add(new Row(row.getLong(1), row.getString(2), row.getString(3)));
                }
            }
            return rows;
        }
    }

    /** Publishes a row (as JSON) on the connection of the transaction that inserts it. */
    @FunctionalInterface
    interface InTransaction {
        void publish(Connection transaction, String rowJson) throws SQLException;
    }

    /**
     * Inserts a row and, in the same transaction, lets {@code publisher} publish it: subscribers see the row's event
     * if and only if the row is committed. Returns its id.
     */
    long insert(String title, InTransaction publisher) throws SQLException {
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement mark = c.prepareStatement("select set_config('" + PUBLISHED_BY_APP + "', 'yes',"
                    + " true)"); PreparedStatement insert = c.prepareStatement("insert into todos (title)"
                    + " values (?) returning id, row_to_json(todos)::text")) {
                mark.execute(); // for this transaction only: the trigger leaves the row to the application
                insert.setString(1, title);
                long id;
                try (ResultSet row = insert.executeQuery()) {
                    row.next();
                    id = row.getLong(1);
                    publisher.publish(c, row.getString(2));
                }
                c.commit();
                return id;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * Makes the todos trigger publish each row inserted by anyone but this demo (by {@code psql}, say) straight into
     * the registry's table {@code eventsTable}, in the inserting transaction: the SQL form of
     * {@code registry.publish(connection, ...)}. Rows the demo inserts are published by {@link #insert(String,
     * InTransaction)}.
     */
    void publishInsertsInto(String eventsTable) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("create or replace function todo_inserted() returns trigger language plpgsql as $$ begin"
                    + " if current_setting('" + PUBLISHED_BY_APP + "', true) is distinct from 'yes' then"
                    + " insert into " + eventsTable + " (kind, name, event, data) values ('t', '"
                    + TodoResource.TOPIC.name() + "', 'todo_added', row_to_json(new)::text); end if;"
                    + " return new; end $$");
        }
    }

    private static void createSchema(String jdbcUrl) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("create table if not exists todos (id bigserial primary key, title text not null,"
                    + " created_at timestamptz not null default now())");
            s.execute("create or replace function todo_inserted() returns trigger language plpgsql as $$ begin"
                    + " perform pg_notify('" + CHANNEL + "', row_to_json(new)::text); return new; end $$");
            s.execute("drop trigger if exists todo_inserted on todos");
            s.execute("create trigger todo_inserted after insert on todos for each row execute procedure"
                    + " todo_inserted()");
            c.commit();
        }
    }

    /** Stops the embedded server (once it has started) and removes its files; a database given by URL stays. */
    @Override
    public void close() {
        try {
            awaitReady(READY_LIMIT);
        } catch (IOException e) {
            return; // it never started, or is gone already
        }
        closeQuietly(ready.join().embedded());
    }

    private static void closeQuietly(EmbeddedPostgres postgres) {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
