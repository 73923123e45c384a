package dev.ssejaxrs.redis;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Where and how the registry keeps its events in Redis. Immutable; build with {@link #builder(String)}. This class
 * does not touch Lettuce, so it can be named in configuration code even where Lettuce is absent.
 *
 * <pre>{@code
 * RedisOptions.builder("rediss://:secret@redis.example:6380/0").keyPrefix("shop").build();
 * }</pre>
 *
 * <table>
 * <caption>Options and their defaults</caption>
 * <tr><th>option</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code uri}</td><td>(required)</td><td>{@code redis://} or {@code rediss://} (TLS), with password, user
 *     and database as Lettuce reads them: {@code redis://user:password@host:port/db}</td></tr>
 * <tr><td>{@code keyPrefix}</td><td>{@code sse}</td><td>every key is {@code {prefix}:...}: the hash tag puts all
 *     keys of one registry in one Redis Cluster slot (multi-key reads and the global id order need it)</td></tr>
 * <tr><td>{@code history}</td><td>1,000 events, 1 h</td><td>per address stream: {@code MAXLEN ~} and
 *     {@code MINID} age trimming; an idle stream's key expires after the age</td></tr>
 * <tr><td>{@code offlineQueue}</td><td>1,000 events, 1 h</td><td>per recipient with no open connection on any
 *     node</td></tr>
 * <tr><td>{@code commandTimeout}</td><td>2 s</td><td>a publish, replay or queue command not answered by then
 *     fails</td></tr>
 * <tr><td>{@code connectTimeout}</td><td>2 s</td><td>one connection attempt</td></tr>
 * <tr><td>{@code readerConnections}</td><td>1</td><td>dedicated connections reading new entries with blocking
 *     {@code XREAD}; addresses are split over them by hash. With one, entries of all addresses reach the
 *     listener in id order (what a multi-address stream needs); more spread a very large address set, and keep
 *     the order only per address</td></tr>
 * <tr><td>{@code readBlock}</td><td>10 s</td><td>how long one {@code XREAD} blocks; new addresses wake it at
 *     once, so this only bounds how soon a silently dead connection is noticed</td></tr>
 * <tr><td>{@code readBatch}</td><td>512</td><td>{@code COUNT} per stream of one {@code XREAD}</td></tr>
 * <tr><td>{@code presenceTtl}</td><td>30 s</td><td>a node that stops refreshing its presence (a crash) counts as
 *     gone after this; its recipients' events are then queued again</td></tr>
 * <tr><td>{@code nodeId}</td><td>random per event log</td><td>this node's name in Redis (presence, connection
 *     names); unique per running registry</td></tr>
 * </table>
 */
public final class RedisOptions {
    /**
     * The default {@link Builder#keyPrefix key prefix}, {@value}: the registry warns at start when it is used, since
     * every application on one Redis with it shares topics and recipients.
     */
    public static final String DEFAULT_KEY_PREFIX = "sse";

    private final String uri;
    private final String keyPrefix;
    private final int historySize;
    private final Duration historyAge;
    private final int offlineQueueSize;
    private final Duration offlineQueueAge;
    private final Duration commandTimeout;
    private final Duration connectTimeout;
    private final int readerConnections;
    private final Duration readBlock;
    private final int readBatch;
    private final Duration presenceTtl;
    private final String nodeId;

    private RedisOptions(Builder b) {
        uri = b.uri;
        keyPrefix = b.keyPrefix;
        historySize = b.historySize;
        historyAge = b.historyAge;
        offlineQueueSize = b.offlineQueueSize;
        offlineQueueAge = b.offlineQueueAge;
        commandTimeout = b.commandTimeout;
        connectTimeout = b.connectTimeout;
        readerConnections = b.readerConnections;
        readBlock = b.readBlock;
        readBatch = b.readBatch;
        presenceTtl = b.presenceTtl;
        nodeId = b.nodeId;
    }

    /**
     * A builder for the Redis at {@code uri} ({@code redis://host:port} or {@code rediss://} for TLS).
     *
     * @param uri the Redis URI, with any user, password and database: {@code redis://user:password@host:port/db}
     * @return a new builder for that Redis, set to the defaults
     */
    public static Builder builder(String uri) {
        return new Builder(uri);
    }

    /**
     * A builder starting from these options.
     *
     * @return a new builder with the values of these options
     */
    public Builder toBuilder() {
        Builder b = new Builder(uri);
        b.keyPrefix = keyPrefix;
        b.historySize = historySize;
        b.historyAge = historyAge;
        b.offlineQueueSize = offlineQueueSize;
        b.offlineQueueAge = offlineQueueAge;
        b.commandTimeout = commandTimeout;
        b.connectTimeout = connectTimeout;
        b.readerConnections = readerConnections;
        b.readBlock = readBlock;
        b.readBatch = readBatch;
        b.presenceTtl = presenceTtl;
        b.nodeId = nodeId;
        return b;
    }

    /**
     * The Redis URI with any password replaced by {@code ***}: safe to log.
     *
     * @return the URI, its password (if any) shown as {@code ***}
     */
    public String redactedUri() {
        return redact(uri);
    }

    /**
     * The key prefix (the hash tag of every key).
     *
     * @return the prefix, {@code sse} unless set
     */
    public String keyPrefix() {
        return keyPrefix;
    }

    /**
     * This node's id, or {@code null}: then each event log takes a random one (see {@code RedisEventLog.nodeId()}).
     *
     * @return the id set by {@link Builder#nodeId}, or {@code null}
     */
    public String nodeId() {
        return nodeId;
    }

    @Override
    public String toString() {
        return "RedisOptions[" + redactedUri() + ", keyPrefix=" + keyPrefix + (nodeId == null ? "" : ", node=" + nodeId)
                + "]";
    }

    /**
     * {@code uri} with the password of its user info replaced by {@code ***}; for any text, URI or not (a password
     * with {@code %}, a space or a brace makes it none): everything between the scheme and the last {@code @} is
     * user info.
     */
    static String redact(String uri) {
        int at = uri.lastIndexOf('@');
        if (at < 0) {
            return uri;
        }
        int colon = uri.indexOf(':');
        int start = colon < 0 || colon > at ? 0 : colon + 1;
        while (start < at && uri.charAt(start) == '/') {
            start++;
        }
        String userInfo = uri.substring(start, at);
        int separator = userInfo.indexOf(':');
        String user = separator < 0 ? "" : userInfo.substring(0, separator);
        return uri.substring(0, start) + user + ":***" + uri.substring(at);
    }

    /**
     * The value set by {@link #builder(String)}.
     *
     * @return the Redis URI as given, password included: do not log it (see {@link #redactedUri()})
     */
    public String uri() {
        return uri;
    }

    /**
     * The value set by {@link Builder#history}.
     *
     * @return how many events each address stream keeps (trimmed approximately)
     */
    public int historySize() {
        return historySize;
    }

    /**
     * The value set by {@link Builder#history}.
     *
     * @return how long each address stream keeps an event
     */
    public Duration historyAge() {
        return historyAge;
    }

    /**
     * The value set by {@link Builder#offlineQueue}.
     *
     * @return how many events wait for a recipient with no open connection (0: none wait)
     */
    public int offlineQueueSize() {
        return offlineQueueSize;
    }

    /**
     * The value set by {@link Builder#offlineQueue}.
     *
     * @return how long an event waits for a recipient with no open connection
     */
    public Duration offlineQueueAge() {
        return offlineQueueAge;
    }

    /**
     * The value set by {@link Builder#commandTimeout}.
     *
     * @return how long a publish, replay or queue command may take
     */
    public Duration commandTimeout() {
        return commandTimeout;
    }

    /**
     * The value set by {@link Builder#connectTimeout}.
     *
     * @return how long one connection attempt may take
     */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * The value set by {@link Builder#readerConnections}.
     *
     * @return how many dedicated connections read new entries
     */
    public int readerConnections() {
        return readerConnections;
    }

    /**
     * The value set by {@link Builder#readBlock}.
     *
     * @return how long one blocking read waits
     */
    public Duration readBlock() {
        return readBlock;
    }

    /**
     * The value set by {@link Builder#readBatch}.
     *
     * @return how many entries per stream one read takes at most
     */
    public int readBatch() {
        return readBatch;
    }

    /**
     * The value set by {@link Builder#presenceTtl}.
     *
     * @return after how long without a refresh a node's presence lapses
     */
    public Duration presenceTtl() {
        return presenceTtl;
    }

    /** Builds {@link RedisOptions}; setters check their argument and name it in the error. */
    public static final class Builder {
        private final String uri;
        private String keyPrefix = DEFAULT_KEY_PREFIX;
        private int historySize = 1000;
        private Duration historyAge = Duration.ofHours(1);
        private int offlineQueueSize = 1000;
        private Duration offlineQueueAge = Duration.ofHours(1);
        private Duration commandTimeout = Duration.ofSeconds(2);
        private Duration connectTimeout = Duration.ofSeconds(2);
        private int readerConnections = 1;
        private Duration readBlock = Duration.ofSeconds(10);
        private int readBatch = 512;
        private Duration presenceTtl = Duration.ofSeconds(30);
        private String nodeId;

        private Builder(String uri) {
            Objects.requireNonNull(uri, "redis uri");
            String scheme;
            try {
                scheme = new URI(uri).getScheme();
            } catch (URISyntaxException e) {
                // not e itself, nor its message: both quote the whole URI, password included
                throw new IllegalArgumentException("redis uri is not a URI (" + e.getReason() + "): " + redact(uri));
            }
            scheme = scheme == null ? "" : scheme.toLowerCase(Locale.ROOT);
            if (!scheme.equals("redis") && !scheme.equals("rediss")) {
                throw new IllegalArgumentException("redis uri must start with redis:// or rediss://: " + redact(uri));
            }
            this.uri = uri;
        }

        /**
         * The prefix of every key (letters, digits, {@code .-_:}; 1 to 64 characters).
         *
         * @param prefix the prefix, without braces (the keys add them)
         * @return this builder
         */
        public Builder keyPrefix(String prefix) {
            Objects.requireNonNull(prefix, "keyPrefix");
            if (!prefix.matches("[A-Za-z0-9._:-]{1,64}")) {
                throw new IllegalArgumentException(
                        "keyPrefix must be 1 to 64 letters, digits or . _ : - (no braces): " + prefix);
            }
            keyPrefix = prefix;
            return this;
        }

        /**
         * How many events (at least 1, trimmed approximately) and for how long each address stream keeps.
         *
         * @param size how many events each address stream keeps (at least 1)
         * @param age how long each event is kept (positive)
         * @return this builder
         */
        public Builder history(int size, Duration age) {
            if (size < 1) {
                throw new IllegalArgumentException("history size must be at least 1 (the stream also carries live "
                        + "events to other nodes): " + size);
            }
            historySize = size;
            historyAge = positive("history age", age);
            return this;
        }

        /**
         * How many events, and for how long, wait for a recipient with no open connection (0: none wait).
         *
         * @param size how many events wait per recipient (0 or more)
         * @param age how long each event waits (positive)
         * @return this builder
         */
        public Builder offlineQueue(int size, Duration age) {
            if (size < 0) {
                throw new IllegalArgumentException("offline queue size must not be negative: " + size);
            }
            offlineQueueSize = size;
            offlineQueueAge = positive("offline queue age", age);
            return this;
        }

        /**
         * How long a publish, replay or queue command may take before it fails.
         *
         * @param timeout the timeout (positive; default 2 s)
         * @return this builder
         */
        public Builder commandTimeout(Duration timeout) {
            commandTimeout = positive("commandTimeout", timeout);
            return this;
        }

        /**
         * How long one connection attempt may take.
         *
         * @param timeout the timeout (positive; default 2 s)
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            connectTimeout = positive("connectTimeout", timeout);
            return this;
        }

        /**
         * How many dedicated connections read new entries (1 to 16).
         *
         * @param count how many connections (default 1)
         * @return this builder
         */
        public Builder readerConnections(int count) {
            if (count < 1 || count > 16) {
                throw new IllegalArgumentException("readerConnections must be 1 to 16: " + count);
            }
            readerConnections = count;
            return this;
        }

        /**
         * How long one blocking read waits before it is issued again (at least 100 ms).
         *
         * @param block how long one read blocks (default 10 s)
         * @return this builder
         */
        public Builder readBlock(Duration block) {
            positive("readBlock", block);
            if (block.toMillis() < 100) {
                throw new IllegalArgumentException("readBlock must be at least 100 ms: " + block);
            }
            readBlock = block;
            return this;
        }

        /**
         * How many entries per stream one read takes at most (1 to 10,000).
         *
         * @param count the {@code COUNT} of one {@code XREAD} (default 512)
         * @return this builder
         */
        public Builder readBatch(int count) {
            if (count < 1 || count > 10_000) {
                throw new IllegalArgumentException("readBatch must be 1 to 10000: " + count);
            }
            readBatch = count;
            return this;
        }

        /**
         * After how long without a refresh a node's presence lapses (at least 1 s).
         *
         * @param ttl the presence's time to live (default 30 s)
         * @return this builder
         */
        public Builder presenceTtl(Duration ttl) {
            positive("presenceTtl", ttl);
            if (ttl.toMillis() < 1000) {
                throw new IllegalArgumentException("presenceTtl must be at least 1 s: " + ttl);
            }
            presenceTtl = ttl;
            return this;
        }

        /**
         * This node's id (letters, digits, {@code .-_}; 1 to 64 characters; default: a random UUID per event log).
         * Two running registries must never share one.
         *
         * @param id the id, not null
         * @return this builder
         */
        public Builder nodeId(String id) {
            Objects.requireNonNull(id, "nodeId");
            if (!id.matches("[A-Za-z0-9._-]{1,64}")) {
                throw new IllegalArgumentException("nodeId must be 1 to 64 letters, digits or . _ -: " + id);
            }
            nodeId = id;
            return this;
        }

        /**
         * The options.
         *
         * @return new options with the values set on this builder
         */
        public RedisOptions build() {
            return new RedisOptions(this);
        }

        private static Duration positive(String name, Duration value) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + value);
            }
            return value;
        }
    }
}
