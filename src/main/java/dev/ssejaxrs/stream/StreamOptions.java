package dev.ssejaxrs.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.ssejaxrs.event.LineSeparator;
import dev.ssejaxrs.event.SseEvent;

/**
 * How one event stream behaves: keep-alive pings, send timeout, framing, response status and headers, and what
 * happens when it ends. Immutable; build one with {@link #builder()} and share it between streams.
 *
 * <pre>{@code
 * StreamOptions options = StreamOptions.builder()
 *         .pingInterval(Duration.ofSeconds(5))
 *         .sendTimeout(Duration.ofSeconds(10))
 *         .onClose(reason -> log.info("stream ended: " + reason))
 *         .build();
 * }</pre>
 *
 * <table>
 * <caption>Options and their defaults</caption>
 * <tr><th>option</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code pingInterval}</td><td>15 s</td><td>a keep-alive comment {@code : ping - <UTC time>} this often;
 *     zero disables pings</td></tr>
 * <tr><td>{@code pingEvent}</td><td>the comment above</td><td>supplies another ping event</td></tr>
 * <tr><td>{@code sendTimeout}</td><td>30 s</td><td>a write or ping that cannot complete this long (the client
 *     stopped reading) closes the stream; zero disables</td></tr>
 * <tr><td>{@code lineSeparator}</td><td>CRLF</td><td>ends every line of every event</td></tr>
 * <tr><td>{@code status}, {@code header}</td><td>200, none</td><td>response status and extra headers</td></tr>
 * <tr><td>{@code onClose}</td><td>none</td><td>called once with the {@link CloseReason}</td></tr>
 * <tr><td>{@code errorEvent}</td><td>none</td><td>maps a publisher error to a last event for the client</td></tr>
 * <tr><td>{@code shutdownGracePeriod}</td><td>0</td><td>on application shutdown, how long the publisher may go on
 *     before the stream is closed</td></tr>
 * <tr><td>{@code farewellEvent}</td><td>none</td><td>the last event written when the application shuts down</td></tr>
 * </table>
 */
public final class StreamOptions {
    private static final StreamOptions DEFAULTS = builder().build();

    private final Duration pingInterval;
    private final Supplier<SseEvent> pingEvent;
    private final Duration sendTimeout;
    private final LineSeparator lineSeparator;
    private final int status;
    private final Map<String, String> headers;
    private final Consumer<CloseReason> onClose;
    private final Function<Throwable, SseEvent> errorEvent;
    private final Duration shutdownGracePeriod;
    private final SseEvent farewellEvent;

    private StreamOptions(Builder b) {
        this.pingInterval = b.pingInterval;
        this.pingEvent = b.pingEvent;
        this.sendTimeout = b.sendTimeout;
        this.lineSeparator = b.lineSeparator;
        this.status = b.status;
        this.headers = Map.copyOf(b.headers);
        this.onClose = b.onClose;
        this.errorEvent = b.errorEvent;
        this.shutdownGracePeriod = b.shutdownGracePeriod;
        this.farewellEvent = b.farewellEvent;
    }

    /**
     * The defaults listed above.
     *
     * @return the default options (one shared instance)
     */
    public static StreamOptions defaults() {
        return DEFAULTS;
    }

    /**
     * A builder starting from the defaults.
     *
     * @return a new builder, set to the defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder starting from these options.
     *
     * @return a new builder with the values of these options
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.pingInterval = pingInterval;
        b.pingEvent = pingEvent;
        b.sendTimeout = sendTimeout;
        b.lineSeparator = lineSeparator;
        b.status = status;
        b.headers.putAll(headers);
        b.onClose = onClose;
        b.errorEvent = errorEvent;
        b.shutdownGracePeriod = shutdownGracePeriod;
        b.farewellEvent = farewellEvent;
        return b;
    }

    /**
     * Time between keep-alive pings; {@link Duration#ZERO} when pings are off.
     *
     * @return the interval, or {@link Duration#ZERO}
     */
    public Duration pingInterval() {
        return pingInterval;
    }

    /**
     * A new ping event (the default is a comment {@code ping - <UTC time>}).
     *
     * @return the event the {@link Builder#pingEvent} supplier gives, asked anew on each call
     */
    public SseEvent pingEvent() {
        return pingEvent.get();
    }

    /**
     * How long one write may wait for the client; {@link Duration#ZERO} means no limit.
     *
     * @return the timeout, or {@link Duration#ZERO}
     */
    public Duration sendTimeout() {
        return sendTimeout;
    }

    /**
     * The line separator of every event of the stream.
     *
     * @return the separator (default {@link LineSeparator#CRLF})
     */
    public LineSeparator lineSeparator() {
        return lineSeparator;
    }

    /**
     * The response status.
     *
     * @return a 2xx status (default 200)
     */
    public int status() {
        return status;
    }

    /**
     * Extra response headers, in the order given.
     *
     * @return the extra headers by name, unmodifiable (empty by default)
     */
    public Map<String, String> headers() {
        return headers;
    }

    /**
     * The close callback (a no-op when none was set).
     *
     * @return the callback, never {@code null}
     */
    public Consumer<CloseReason> onClose() {
        return onClose;
    }

    /**
     * Maps a publisher error to a last event, or returns {@code null} for none.
     *
     * @return the mapper, never {@code null} (the default maps every error to {@code null})
     */
    public Function<Throwable, SseEvent> errorEvent() {
        return errorEvent;
    }

    /**
     * How long the publisher may go on after shutdown began.
     *
     * @return the grace period, {@link Duration#ZERO} by default
     */
    public Duration shutdownGracePeriod() {
        return shutdownGracePeriod;
    }

    /**
     * The event written last on shutdown, or {@code null}.
     *
     * @return the farewell event, or {@code null}
     */
    public SseEvent farewellEvent() {
        return farewellEvent;
    }

    /** Builds {@link StreamOptions}; every setter checks its argument and names it in the error. */
    public static final class Builder {
        private Duration pingInterval = Duration.ofSeconds(15);
        private Supplier<SseEvent> pingEvent = () -> SseEvent.comment("ping - " + Instant.now());
        private Duration sendTimeout = Duration.ofSeconds(30);
        private LineSeparator lineSeparator = LineSeparator.CRLF;
        private int status = 200;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private Consumer<CloseReason> onClose = reason -> { };
        private Function<Throwable, SseEvent> errorEvent = error -> null;
        private Duration shutdownGracePeriod = Duration.ZERO;
        private SseEvent farewellEvent;

        private Builder() {
        }

        /**
         * Keep-alive ping interval (default 15 s); {@link Duration#ZERO} disables pings.
         *
         * @param interval the interval (not negative)
         * @return this builder
         */
        public Builder pingInterval(Duration interval) {
            this.pingInterval = nonNegative("pingInterval", interval);
            return this;
        }

        /**
         * Supplies each ping event instead of the default comment {@code ping - <UTC time>}.
         *
         * @param factory called for every ping; gives the event to write (not null)
         * @return this builder
         */
        public Builder pingEvent(Supplier<SseEvent> factory) {
            this.pingEvent = Objects.requireNonNull(factory, "pingEvent");
            return this;
        }

        /**
         * How long a write may wait for a client that does not read (default 30 s); zero: no limit.
         *
         * @param timeout the timeout (not negative)
         * @return this builder
         */
        public Builder sendTimeout(Duration timeout) {
            this.sendTimeout = nonNegative("sendTimeout", timeout);
            return this;
        }

        /**
         * The line separator (default CRLF, as sse-starlette).
         *
         * @param separator the separator (not null)
         * @return this builder
         */
        public Builder lineSeparator(LineSeparator separator) {
            this.lineSeparator = Objects.requireNonNull(separator, "lineSeparator");
            return this;
        }

        /**
         * Response status (default 200).
         *
         * @param status a 2xx status
         * @return this builder
         */
        public Builder status(int status) {
            if (status < 200 || status > 299) {
                throw new IllegalArgumentException("status must be a 2xx status for an event stream: " + status);
            }
            this.status = status;
            return this;
        }

        /**
         * Adds a response header; {@code Content-Type} and {@code Content-Encoding} are the library's own.
         *
         * @param name the header name, an HTTP token; a second value for the same name replaces the first
         * @param value the header value, without CR or LF
         * @return this builder
         */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "header name");
            Objects.requireNonNull(value, "header value");
            if (name.isBlank() || name.chars().anyMatch(c -> c <= ' ' || c == ':' || c > 126)) {
                throw new IllegalArgumentException("header name is not a valid token: \"" + name + "\"");
            }
            if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("header value of " + name + " must not contain CR or LF");
            }
            String lower = name.toLowerCase(java.util.Locale.ROOT);
            if (lower.equals("content-type") || lower.equals("content-encoding") || lower.equals("content-length")) {
                throw new IllegalArgumentException("header " + name + " is set by the library for event streams");
            }
            headers.put(name, value);
            return this;
        }

        /**
         * Called once, on any thread, when the stream ends.
         *
         * @param callback takes the reason the stream ended (not null)
         * @return this builder
         */
        public Builder onClose(Consumer<CloseReason> callback) {
            this.onClose = Objects.requireNonNull(callback, "onClose");
            return this;
        }

        /**
         * Maps a publisher error to a last event sent before the stream closes; return {@code null} for none.
         *
         * @param mapper takes the publisher's error, gives the event or {@code null} (not null itself)
         * @return this builder
         */
        public Builder errorEvent(Function<Throwable, SseEvent> mapper) {
            this.errorEvent = Objects.requireNonNull(mapper, "errorEvent");
            return this;
        }

        /**
         * On shutdown, how long the publisher may go on before the stream is closed (default 0).
         *
         * @param grace the grace period (not negative)
         * @return this builder
         */
        public Builder shutdownGracePeriod(Duration grace) {
            this.shutdownGracePeriod = nonNegative("shutdownGracePeriod", grace);
            return this;
        }

        /**
         * An event written last when the application shuts down (default none).
         *
         * @param event the event, or {@code null} for none
         * @return this builder
         */
        public Builder farewellEvent(SseEvent event) {
            this.farewellEvent = event;
            return this;
        }

        /**
         * The options.
         *
         * @return new options with the values set on this builder
         */
        public StreamOptions build() {
            return new StreamOptions(this);
        }

        private static Duration nonNegative(String name, Duration value) {
            Objects.requireNonNull(value, name);
            if (value.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative: " + value);
            }
            return value;
        }
    }
}
