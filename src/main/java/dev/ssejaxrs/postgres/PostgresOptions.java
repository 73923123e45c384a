package dev.ssejaxrs.postgres;

import java.sql.DriverManager;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where and how a registry keeps its events in PostgreSQL, so that every node on that database sees every event and
 * an application can publish inside its own JDBC transaction. Immutable; build with {@link #builder}. This class does
 * not touch pgjdbc, so it can be named in configuration code even where the driver is absent.
 *
 * <pre>{@code
 * RegistryOptions.builder()
 *         .postgres(PostgresOptions.builder(dataSource::getConnection).tablePrefix("shop_sse").build())
 *         .build();
 * }</pre>
 *
 * <table>
 * <caption>Options and their defaults</caption>
 * <tr><th>option</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code connections}</td><td>(required)</td><td>opens the store's connections: one that listens
 *     ({@code LISTEN}) and reads new events, and {@code poolSize} for publishing and replay</td></tr>
 * <tr><td>{@code tablePrefix}</td><td>{@code sse}</td><td>the store's tables and functions are
 *     {@code <prefix>_events}, {@code <prefix>_clock}, ...: one registry per prefix</td></tr>
 * <tr><td>{@code poolSize}</td><td>4</td><td>connections kept for publishing and replay</td></tr>
 * <tr><td>{@code commandTimeout}</td><td>5 s</td><td>a publish or replay statement not answered by then fails</td></tr>
 * <tr><td>{@code healthCheckInterval}</td><td>10 s</td><td>how long the listening connection waits for a wake-up
 *     before it checks itself and reads anyway</td></tr>
 * <tr><td>{@code createSchema}</td><td>{@code true}</td><td>create the tables, functions and trigger at start
 *     (idempotent); {@code false} when a migration tool owns the schema</td></tr>
 * </table>
 */
public final class PostgresOptions {
    /** The default {@link Builder#tablePrefix table prefix}, {@value}. */
    public static final String DEFAULT_TABLE_PREFIX = "sse";
    private static final Pattern PREFIX = Pattern.compile("[a-z_][a-z0-9_]{0,39}");

    private final PostgresChangeFeed.ConnectionSource connections;
    private final String description;
    private final String tablePrefix;
    private final int poolSize;
    private final Duration commandTimeout;
    private final Duration healthCheckInterval;
    private final boolean createSchema;

    private PostgresOptions(Builder b) {
        connections = b.connections;
        description = b.description;
        tablePrefix = b.tablePrefix;
        poolSize = b.poolSize;
        commandTimeout = b.commandTimeout;
        healthCheckInterval = b.healthCheckInterval;
        createSchema = b.createSchema;
    }

    /**
     * A builder whose connections come from {@code connections} (for example {@code dataSource::getConnection}).
     * The store holds its connections for as long as it runs: give it a source that opens new ones (a
     * {@code DataSource} or {@code DriverManager}), not a small pool the application needs.
     *
     * @param connections opens a new connection to the database, again after each loss (not null)
     * @return a new builder with the defaults
     */
    public static Builder builder(PostgresChangeFeed.ConnectionSource connections) {
        return new Builder(Objects.requireNonNull(connections, "connections"), "a connection source");
    }

    /**
     * A builder whose connections {@link DriverManager} opens from {@code jdbcUrl} (user and password as URL
     * parameters, {@code jdbc:postgresql://host:5432/db?user=app&password=...}, or pgjdbc's defaults).
     *
     * @param jdbcUrl a {@code jdbc:postgresql:} URL
     * @return a new builder with the defaults
     * @throws IllegalArgumentException when the URL is not a {@code jdbc:postgresql:} one (the message never
     *     quotes its parameters, which may hold a password)
     */
    public static Builder builder(String jdbcUrl) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        String shown = redacted(jdbcUrl);
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("jdbcUrl must start with jdbc:postgresql: " + shown);
        }
        return new Builder(() -> DriverManager.getConnection(jdbcUrl), shown);
    }

    /**
     * A JDBC URL to show in a log line or a message: without user info ({@code //user:password@}) and without its
     * parameters (pgjdbc takes {@code ?user=...&password=...}): {@code jdbc:postgresql://host:port/db?...}.
     *
     * @param jdbcUrl a JDBC URL (not null)
     * @return the URL without credentials
     */
    public static String redacted(String jdbcUrl) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        int query = jdbcUrl.indexOf('?');
        String shown = query < 0 ? jdbcUrl : jdbcUrl.substring(0, query) + "?...";
        int at = shown.lastIndexOf('@');
        int authority = shown.indexOf("//");
        return at > authority && authority >= 0 ? shown.substring(0, authority + 2) + "***" + shown.substring(at)
                : shown;
    }

    /**
     * Opens the store's connections.
     *
     * @return the connection source
     */
    public PostgresChangeFeed.ConnectionSource connections() {
        return connections;
    }

    /**
     * Where the connections go, for log lines: the JDBC URL without credentials, or "a connection source".
     *
     * @return a description without secrets
     */
    public String description() {
        return description;
    }

    /**
     * The value set by {@link Builder#tablePrefix}.
     *
     * @return the prefix of the store's tables and functions
     */
    public String tablePrefix() {
        return tablePrefix;
    }

    /**
     * The value set by {@link Builder#poolSize}.
     *
     * @return connections kept for publishing and replay
     */
    public int poolSize() {
        return poolSize;
    }

    /**
     * The value set by {@link Builder#commandTimeout}.
     *
     * @return how long one statement may take
     */
    public Duration commandTimeout() {
        return commandTimeout;
    }

    /**
     * The value set by {@link Builder#healthCheckInterval}.
     *
     * @return how long the listening connection waits before it checks itself
     */
    public Duration healthCheckInterval() {
        return healthCheckInterval;
    }

    /**
     * The value set by {@link Builder#createSchema}.
     *
     * @return whether the store creates its schema at start
     */
    public boolean createSchema() {
        return createSchema;
    }

    @Override
    public String toString() {
        return "PostgresOptions[" + description + ", tablePrefix=" + tablePrefix + "]";
    }

    /** Builds {@link PostgresOptions}. */
    public static final class Builder {
        private final PostgresChangeFeed.ConnectionSource connections;
        private final String description;
        private String tablePrefix = DEFAULT_TABLE_PREFIX;
        private int poolSize = 4;
        private Duration commandTimeout = Duration.ofSeconds(5);
        private Duration healthCheckInterval = Duration.ofSeconds(10);
        private boolean createSchema = true;

        private Builder(PostgresChangeFeed.ConnectionSource connections, String description) {
            this.connections = connections;
            this.description = description;
        }

        /**
         * The prefix of the store's tables and functions ({@code <prefix>_events}, {@code <prefix>_clock}, ...);
         * registries with different prefixes on one database never see each other's events.
         *
         * @param prefix 1 to 40 lower-case letters, digits or {@code _}, not starting with a digit
         * @return this builder
         */
        public Builder tablePrefix(String prefix) {
            Objects.requireNonNull(prefix, "tablePrefix");
            if (!PREFIX.matcher(prefix).matches()) {
                throw new IllegalArgumentException("tablePrefix must be 1 to 40 lower-case letters, digits or _, "
                        + "not starting with a digit: \"" + prefix + "\"");
            }
            tablePrefix = prefix;
            return this;
        }

        /**
         * How many connections the store keeps for publishing and replay (besides its one listening connection).
         *
         * @param size 1 to 64
         * @return this builder
         */
        public Builder poolSize(int size) {
            if (size < 1 || size > 64) {
                throw new IllegalArgumentException("poolSize must be 1 to 64: " + size);
            }
            poolSize = size;
            return this;
        }

        /**
         * How long one publish or replay statement may take before it fails (JDBC's query timeout).
         *
         * @param timeout at least 1 s
         * @return this builder
         */
        public Builder commandTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "commandTimeout");
            if (timeout.toSeconds() < 1) {
                throw new IllegalArgumentException("commandTimeout must be at least 1 s: " + timeout);
            }
            commandTimeout = timeout;
            return this;
        }

        /**
         * How long the listening connection waits for a notification before it checks that it is still valid and
         * reads new events anyway: a connection that died silently is replaced within about twice this.
         *
         * @param interval at least 100 ms
         * @return this builder
         */
        public Builder healthCheckInterval(Duration interval) {
            Objects.requireNonNull(interval, "healthCheckInterval");
            if (interval.toMillis() < 100) {
                throw new IllegalArgumentException("healthCheckInterval must be at least 100 ms: " + interval);
            }
            healthCheckInterval = interval;
            return this;
        }

        /**
         * Whether the store creates its tables, functions and trigger at start ({@code create ... if not exists};
         * default {@code true}). With {@code false} they must exist: run the SQL of the several-nodes guide in
         * your migrations.
         *
         * @param create whether to create the schema
         * @return this builder
         */
        public Builder createSchema(boolean create) {
            createSchema = create;
            return this;
        }

        /**
         * The options.
         *
         * @return new options with the values set on this builder
         */
        public PostgresOptions build() {
            return new PostgresOptions(this);
        }
    }
}
