package dev.ssejaxrs.broadcast;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;

import dev.ssejaxrs.redis.RedisOptions;
import dev.ssejaxrs.stream.StreamOptions;

/**
 * How {@link ResumableStreams} keeps its streams: where (this process's memory, or Redis shared by every node), how
 * long, and how much. Immutable; made by {@link #builder()}.
 *
 * <pre>{@code
 * ResumableStreams streams = new ResumableStreams(ResumableOptions.builder()
 *         .redis(RedisOptions.builder("redis://127.0.0.1:6379").keyPrefix("answers").build())
 *         .retention(Duration.ofMinutes(2))
 *         .build());
 * }</pre>
 */
public final class ResumableOptions {
    private static final ResumableOptions DEFAULTS = builder().build();

    private final RedisOptions redis;
    private final int maxEventsPerStream;
    private final long maxBytesPerStream;
    private final int maxLiveStreams;
    private final Duration timeToLive;
    private final Duration retention;
    private final ExecutorService executor;
    private final StreamOptions streamOptions;

    private ResumableOptions(Builder b) {
        this.redis = b.redis;
        this.maxEventsPerStream = b.maxEventsPerStream;
        this.maxBytesPerStream = b.maxBytesPerStream;
        this.maxLiveStreams = b.maxLiveStreams;
        this.timeToLive = b.timeToLive;
        this.retention = b.retention;
        this.executor = b.executor;
        this.streamOptions = b.streamOptions;
    }

    /**
     * The defaults: in memory, 10,000 events and 8 MiB per stream, 1,000 live streams, 30 minutes to live, 5 minutes
     * of retention.
     *
     * @return the default options
     */
    public static ResumableOptions defaults() {
        return DEFAULTS;
    }

    /**
     * A builder starting from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The Redis the streams live in, or {@code null} for this process's memory.
     *
     * @return the Redis options, or {@code null}
     */
    public RedisOptions redis() {
        return redis;
    }

    /**
     * The most events one stream may produce.
     *
     * @return the limit
     */
    public int maxEventsPerStream() {
        return maxEventsPerStream;
    }

    /**
     * The most bytes (the events as written, {@code CRLF} lines) one stream may produce.
     *
     * @return the limit
     */
    public long maxBytesPerStream() {
        return maxBytesPerStream;
    }

    /**
     * The most streams whose producers run on this node at once.
     *
     * @return the limit
     */
    public int maxLiveStreams() {
        return maxLiveStreams;
    }

    /**
     * The longest a producer may run.
     *
     * @return the time to live
     */
    public Duration timeToLive() {
        return timeToLive;
    }

    /**
     * How long a finished stream is kept for resumes.
     *
     * @return the retention
     */
    public Duration retention() {
        return retention;
    }

    /**
     * The executor that runs producers, or {@code null} for threads of the streams' own.
     *
     * @return the executor, or {@code null}
     */
    public ExecutorService executor() {
        return executor;
    }

    /**
     * The options of the streams that {@link ResumableStreams#resume} returns.
     *
     * @return the stream options
     */
    public StreamOptions streamOptions() {
        return streamOptions;
    }

    /** Builds {@link ResumableOptions}; every option has a default. */
    public static final class Builder {
        private RedisOptions redis;
        private int maxEventsPerStream = 10_000;
        private long maxBytesPerStream = 8L * 1024 * 1024;
        private int maxLiveStreams = 1_000;
        private Duration timeToLive = Duration.ofMinutes(30);
        private Duration retention = Duration.ofMinutes(5);
        private ExecutorService executor;
        private StreamOptions streamOptions = StreamOptions.defaults();

        private Builder() {
        }

        /**
         * Keeps the streams in Redis (default: in this process's memory): any node on that Redis resumes or cancels
         * any stream. Give them a key prefix of their own.
         *
         * @param options the Redis to use ({@code null}: memory)
         * @return this builder
         */
        public Builder redis(RedisOptions options) {
            this.redis = options;
            return this;
        }

        /**
         * The most events one stream may produce (default 10,000): the next one ends the stream with
         * {@code event: error} naming this limit, and stops its producer.
         *
         * @param max at least 1
         * @return this builder
         * @throws IllegalArgumentException when {@code max} is below 1
         */
        public Builder maxEventsPerStream(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxEventsPerStream must be at least 1: " + max);
            }
            this.maxEventsPerStream = max;
            return this;
        }

        /**
         * The most bytes one stream may produce, its events counted as written with {@code CRLF} lines (default
         * 8 MiB): the event that would go beyond ends the stream with {@code event: error} naming this limit.
         *
         * @param max at least 1
         * @return this builder
         * @throws IllegalArgumentException when {@code max} is below 1
         */
        public Builder maxBytesPerStream(long max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxBytesPerStream must be at least 1: " + max);
            }
            this.maxBytesPerStream = max;
            return this;
        }

        /**
         * The most streams whose producers run on this node at once (default 1,000): beyond it,
         * {@link ResumableStreams#start} throws {@link ResumableLimitException} (429 at the HTTP edge).
         *
         * @param max at least 1
         * @return this builder
         * @throws IllegalArgumentException when {@code max} is below 1
         */
        public Builder maxLiveStreams(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxLiveStreams must be at least 1: " + max);
            }
            this.maxLiveStreams = max;
            return this;
        }

        /**
         * The longest a producer may run (default 30 minutes): then it is stopped and the stream ends with
         * {@code event: error} naming this limit.
         *
         * @param ttl positive
         * @return this builder
         * @throws IllegalArgumentException when {@code ttl} is not positive
         */
        public Builder timeToLive(Duration ttl) {
            this.timeToLive = positive("timeToLive", ttl);
            return this;
        }

        /**
         * How long a finished stream (done, error or cancelled) is kept (default 5 minutes): a resume meanwhile
         * replays what the client lacks and ends; after it, a resume answers 204.
         *
         * @param retention positive
         * @return this builder
         * @throws IllegalArgumentException when {@code retention} is not positive
         */
        public Builder retention(Duration retention) {
            this.retention = positive("retention", retention);
            return this;
        }

        private static Duration positive(String name, Duration value) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + value);
            }
            return value;
        }

        /**
         * The executor that runs producers (default: a daemon thread of their own for each running producer,
         * at most {@code maxLiveStreams}); the application shuts its own executor down.
         *
         * @param executor the executor ({@code null}: the default)
         * @return this builder
         */
        public Builder executor(ExecutorService executor) {
            this.executor = executor;
            return this;
        }

        /**
         * The options of the streams {@link ResumableStreams#resume} returns (pings, timeouts, shutdown).
         *
         * @param options the stream options (not null)
         * @return this builder
         */
        public Builder streamOptions(StreamOptions options) {
            this.streamOptions = Objects.requireNonNull(options, "streamOptions");
            return this;
        }

        /**
         * The options.
         *
         * @return the options built
         */
        public ResumableOptions build() {
            return new ResumableOptions(this);
        }
    }
}
