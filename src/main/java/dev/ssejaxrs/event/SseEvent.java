package dev.ssejaxrs.event;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Function;

import jakarta.json.bind.Jsonb;

/**
 * One Server-Sent Event: immutable, validated when built, and encoded to its exact wire bytes once.
 *
 * <p>Fields are written in the order comment, {@code id}, {@code event}, {@code data}, {@code retry}, then a blank
 * line (as sse-starlette does). Multi-line data and comments are split on CRLF, CR and LF into one line each, so a
 * client rebuilds the data exactly, a trailing newline included. Empty data is written as {@code data: } so that the
 * client dispatches an event with empty data. Every field is optional: an event with only an {@code id} moves the
 * client's last event id, one with only a comment is a keep-alive.
 *
 * <pre>{@code
 * SseEvent.of("hello");                                     // data: hello
 * SseEvent.json(Map.of("price", 42));                       // data: {"price":42}
 * SseEvent.comment("ping");                                 // : ping
 * SseEvent.builder().id("7").event("update").data("a\nb").retry(Duration.ofSeconds(3)).build();
 * }</pre>
 *
 * <p>Invalid fields fail fast with an {@link IllegalArgumentException} that names the field: a CR or LF in
 * {@code event} or {@code id} (they would let a caller inject fields), a NUL in {@code id} (clients ignore such an
 * id), a negative {@code retry}.
 *
 * <p><b>JSON data.</b> An event made by {@link #json(Object)} (or {@link Builder#jsonData(Object)}) keeps its value
 * and is written as JSON by the JSON provider of the application that writes or publishes it, in the order the
 * application's streams use for objects: its {@code MessageBodyWriter} for {@code application/json} (Jackson, JSON-B),
 * else its {@code ContextResolver<Jsonb>}, else the library's JSON-B (for example {@code org.eclipse:yasson}). So
 * {@code registry.publish("orders", SseEvent.json(order))} from a timer thread carries the same JSON as the
 * application's responses. Outside any application ({@link #data()}, {@link #encode}, {@link #writeTo} called by your
 * code) the library's JSON-B writes it. When nothing can write JSON, the call that needs the text throws an
 * {@link IllegalStateException} that says what to add; {@code json(value)} itself never fails. Do not change the
 * value after making the event: it is written when the event is first written or published.
 *
 * <p>Instances are thread-safe. The encoded bytes for a {@link LineSeparator}, and the JSON text for a JSON writer,
 * are computed on first use and shared by every later write, so an event broadcast to many subscribers is encoded
 * once.
 */
public final class SseEvent {
    private static final byte[] COMMENT = ": ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID = "id: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RETRY = "retry: ".getBytes(StandardCharsets.US_ASCII);

    private final String comment;
    private final String id;
    private final String event;
    private final String data;
    private final Duration retry;
    /** The value of JSON data not written yet ({@link #json(Object)}), or {@code null}; {@code data} is then null. */
    private final Object jsonValue;

    /** The last encoding made; final fields inside make it safe to publish without a lock. */
    private volatile Encoded encoded;
    /** The event with its JSON data written by the last JSON writer asked, when {@code jsonValue} is set. */
    private volatile JsonWritten jsonWritten;

    private SseEvent(Builder b) {
        this.comment = b.comment;
        this.id = b.id;
        this.event = b.event;
        this.data = b.data;
        this.retry = b.retry;
        this.jsonValue = b.jsonValue;
    }

    /**
     * An event carrying {@code data} (written as one {@code data:} line per line of it).
     *
     * @param data the data, which may span several lines ({@code null}: no {@code data} field)
     * @return the event
     */
    public static SseEvent of(String data) {
        return builder().data(data).build();
    }

    /**
     * An event whose data is {@code value} as compact JSON (non-ASCII kept as UTF-8), written by the JSON provider
     * of the application that writes or publishes the event (Jackson, JSON-B; see "JSON data" above), once. Never
     * fails: where nothing can write JSON, the write or publish that needs the text throws an
     * {@link IllegalStateException} saying what to add. A {@code null} value is the data {@code null}.
     *
     * @param value the value to write as JSON ({@code null} is the JSON {@code null})
     * @return the event
     */
    public static SseEvent json(Object value) {
        return builder().jsonData(value).build();
    }

    /**
     * An event whose data is {@code value} serialised now by the given JSON-B instance.
     *
     * @param value the value to serialise ({@code null} is written as the JSON {@code null})
     * @param jsonb the JSON-B instance to serialise it with (not null)
     * @return the event
     */
    public static SseEvent json(Object value, Jsonb jsonb) {
        Objects.requireNonNull(jsonb, "jsonb");
        return builder().data(JsonData.toJson(value, jsonb)).build();
    }

    /**
     * A comment-only event ({@code : text}), which clients ignore: a keep-alive or a note for humans.
     *
     * @param text the comment, which may span several lines
     * @return the event
     */
    public static SseEvent comment(String text) {
        return builder().comment(text).build();
    }

    /**
     * A new builder with no field set.
     *
     * @return a new, empty builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding this event's fields, to derive a changed copy.
     *
     * @return a new builder holding this event's comment, id, name, data and retry
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.comment = comment;
        b.id = id;
        b.event = event;
        b.data = data;
        b.retry = retry;
        b.jsonValue = jsonValue;
        return b;
    }

    /**
     * A copy of this event with the given id.
     *
     * @param newId the id, as {@link Builder#id} takes it ({@code null} removes it)
     * @return a new event, this one unchanged
     */
    public SseEvent withId(String newId) {
        return toBuilder().id(newId).build();
    }

    /**
     * The data, or {@code null} when the event has no {@code data} field. For JSON data not yet written by an
     * application ({@link #json(Object)}), the library's JSON-B writes it now.
     *
     * @return the data, line breaks as given, or {@code null}
     * @throws IllegalStateException for JSON data when there is no JSON-B implementation
     */
    public String data() {
        return jsonValue == null ? data : withJsonWrittenBy(JsonData.DEFAULT_WRITER).data;
    }

    /**
     * This event with the JSON data of {@link #json(Object)} written by {@code jsonWriter} (the value in, the compact
     * JSON text out), or this event itself when its data is not such JSON. The library calls it with the
     * application's JSON provider when one of the application's streams writes the event or its registry publishes
     * it; call it yourself to choose the JSON of an event. The result for the last writer asked is kept, so an event
     * sent on many streams of one application is written as JSON once.
     *
     * @param jsonWriter writes a value as compact JSON text (not null; must not return null)
     * @return the event with its JSON data written, or this event when it has no JSON data to write
     * @throws IllegalStateException when {@code jsonWriter} returns {@code null}; what {@code jsonWriter} throws
     */
    public SseEvent withJsonWrittenBy(Function<Object, String> jsonWriter) {
        Objects.requireNonNull(jsonWriter, "jsonWriter");
        if (jsonValue == null) {
            return this;
        }
        JsonWritten written = jsonWritten;
        if (written == null || written.writer != jsonWriter) {
            String json = jsonWriter.apply(jsonValue);
            if (json == null) {
                throw new IllegalStateException("the JSON writer returned null for a value of type "
                        + jsonValue.getClass().getName());
            }
            written = new JsonWritten(jsonWriter, toBuilder().data(json).build());
            jsonWritten = written;
        }
        return written.event;
    }

    /**
     * The event name, or {@code null} (clients then use {@code message}).
     *
     * @return the event name, or {@code null}
     */
    public String event() {
        return event;
    }

    /**
     * The id, or {@code null}.
     *
     * @return the id ({@code ""} resets the client's last event id), or {@code null}
     */
    public String id() {
        return id;
    }

    /**
     * The reconnection delay, or {@code null}.
     *
     * @return the reconnection delay, or {@code null}
     */
    public Duration retry() {
        return retry;
    }

    /**
     * The comment, or {@code null}.
     *
     * @return the comment, line breaks as given, or {@code null}
     */
    public String comment() {
        return comment;
    }

    /**
     * The exact bytes of this event on the wire with the given line separator (a fresh copy).
     *
     * @param separator the line ending of every line (not null)
     * @return the encoded event, a blank line at its end; the caller may change the array
     */
    public byte[] encode(LineSeparator separator) {
        byte[] bytes = encoded(separator);
        return Arrays.copyOf(bytes, bytes.length);
    }

    /**
     * Writes this event's exact bytes to {@code out}; the encoding is made once and reused. It is written in one
     * {@code write(byte[], int, int)} call, of an array that is never changed afterwards (so {@code out} may keep it).
     *
     * @param out where to write the bytes
     * @param separator the line ending of every line (not null)
     * @throws IOException when {@code out} throws it
     */
    public void writeTo(OutputStream out, LineSeparator separator) throws IOException {
        byte[] bytes = encoded(separator);
        out.write(bytes, 0, bytes.length);
    }

    /**
     * How many bytes {@link #writeTo} writes for the given line separator.
     *
     * @param separator the line ending of every line (not null)
     * @return the length of the encoded event, in bytes
     */
    public int encodedLength(LineSeparator separator) {
        return encoded(separator).length;
    }

    private byte[] encoded(LineSeparator separator) {
        Objects.requireNonNull(separator, "separator");
        if (jsonValue != null) {
            return withJsonWrittenBy(JsonData.DEFAULT_WRITER).encoded(separator);
        }
        Encoded e = encoded;
        if (e == null || e.separator != separator) {
            e = new Encoded(separator, encode0(separator));
            encoded = e;
        }
        return e.bytes;
    }

    private byte[] encode0(LineSeparator separator) {
        byte[] sep = separator.bytes();
        byte[] commentBytes = utf8(comment);
        byte[] idBytes = utf8(id);
        byte[] eventBytes = utf8(event);
        byte[] dataBytes = utf8(data);
        byte[] retryBytes = retry == null ? null : utf8(Long.toString(retry.toMillis()));
        // the builder keeps CR and LF out of id and event; a comment or data without them is one line
        boolean commentOneLine = isOneLine(comment);
        boolean dataOneLine = isOneLine(data);
        byte[] out = new byte[length(COMMENT, commentBytes, sep, commentOneLine) + length(ID, idBytes, sep, true)
                + length(EVENT, eventBytes, sep, true) + length(DATA, dataBytes, sep, dataOneLine)
                + length(RETRY, retryBytes, sep, true) + sep.length];
        int pos = put(out, 0, COMMENT, commentBytes, sep, commentOneLine);
        pos = put(out, pos, ID, idBytes, sep, true);
        pos = put(out, pos, EVENT, eventBytes, sep, true);
        pos = put(out, pos, DATA, dataBytes, sep, dataOneLine);
        pos = put(out, pos, RETRY, retryBytes, sep, true);
        System.arraycopy(sep, 0, out, pos, sep.length);
        return out;
    }

    private static byte[] utf8(String value) {
        return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
    }

    /** Whether {@code text} has no line break: most values, found fast by {@link String#indexOf(int)}. */
    private static boolean isOneLine(String text) {
        return text == null || text.indexOf('\n') < 0 && text.indexOf('\r') < 0;
    }

    /** The length of a field's lines, or 0 when {@code value} is {@code null}. */
    private static int length(byte[] prefix, byte[] value, byte[] sep, boolean oneLine) {
        if (value == null) {
            return 0;
        }
        return oneLine ? prefix.length + value.length + sep.length : linesLength(prefix, value, sep);
    }

    /** Puts a field's lines at {@code pos}; returns the position after them. */
    private static int put(byte[] out, int pos, byte[] prefix, byte[] value, byte[] sep, boolean oneLine) {
        if (value == null) {
            return pos;
        }
        if (!oneLine) {
            return putLines(out, pos, prefix, value, sep);
        }
        System.arraycopy(prefix, 0, out, pos, prefix.length);
        pos += prefix.length;
        System.arraycopy(value, 0, out, pos, value.length);
        pos += value.length;
        System.arraycopy(sep, 0, out, pos, sep.length);
        return pos + sep.length;
    }

    /** The length of {@code value} written as field lines; CR and LF bytes never occur inside a UTF-8 character. */
    private static int linesLength(byte[] prefix, byte[] value, byte[] sep) {
        int lines = 1;
        int breakBytes = 0;
        for (int i = 0; i < value.length; i++) {
            byte b = value[i];
            if (b == '\r' || b == '\n') {
                breakBytes++;
                if (b == '\r' && i + 1 < value.length && value[i + 1] == '\n') {
                    breakBytes++;
                    i++;
                }
                lines++;
            }
        }
        return lines * (prefix.length + sep.length) + value.length - breakBytes;
    }

    /** WHATWG: CRLF, a lone LF and a lone CR each end a line, so each of them starts a new field line here. */
    private static int putLines(byte[] out, int pos, byte[] prefix, byte[] value, byte[] sep) {
        int start = 0;
        for (int i = 0; i <= value.length; i++) {
            boolean end = i == value.length;
            if (end || value[i] == '\r' || value[i] == '\n') {
                System.arraycopy(prefix, 0, out, pos, prefix.length);
                pos += prefix.length;
                System.arraycopy(value, start, out, pos, i - start);
                pos += i - start;
                System.arraycopy(sep, 0, out, pos, sep.length);
                pos += sep.length;
                if (!end && value[i] == '\r' && i + 1 < value.length && value[i + 1] == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        return pos;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SseEvent e
                && Objects.equals(comment, e.comment) && Objects.equals(id, e.id) && Objects.equals(event, e.event)
                && Objects.equals(data, e.data) && Objects.equals(retry, e.retry)
                && Objects.equals(jsonValue, e.jsonValue);
    }

    @Override
    public int hashCode() {
        return Objects.hash(comment, id, event, data, retry, jsonValue);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("SseEvent{");
        if (comment != null) {
            sb.append("comment=").append(Quote.of(comment)).append(' ');
        }
        if (id != null) {
            sb.append("id=").append(Quote.of(id)).append(' ');
        }
        if (event != null) {
            sb.append("event=").append(Quote.of(event)).append(' ');
        }
        if (data != null) {
            sb.append("data=").append(Quote.of(data)).append(' ');
        }
        if (jsonValue != null) {
            sb.append("json=").append(jsonValue.getClass().getName()).append(' ');
        }
        if (retry != null) {
            sb.append("retry=").append(retry.toMillis()).append("ms ");
        }
        return sb.append('}').toString().replace(" }", "}");
    }

    private record Encoded(LineSeparator separator, byte[] bytes) {
    }

    private record JsonWritten(Function<Object, String> writer, SseEvent event) {
    }

    /**
     * Builds an {@link SseEvent}. Each setter checks its value at once and throws an
     * {@link IllegalArgumentException} naming the field. Not thread-safe; the built event is.
     */
    public static final class Builder {
        private String comment;
        private String id;
        private String event;
        private String data;
        private Duration retry;
        private Object jsonValue;

        private Builder() {
        }

        /**
         * The data; may contain line breaks of any kind; {@code null} removes it.
         *
         * @param data the data, or {@code null}
         * @return this builder
         */
        public Builder data(String data) {
            this.data = data;
            this.jsonValue = null;
            return this;
        }

        /**
         * The data as compact JSON of {@code value}, written by the JSON provider of the application that writes or
         * publishes the event (see {@link SseEvent#json(Object)}); {@code null} is the data {@code null}.
         *
         * @param value the value to write as JSON ({@code null} is the JSON {@code null})
         * @return this builder
         */
        public Builder jsonData(Object value) {
            this.data = value == null ? "null" : null;
            this.jsonValue = value;
            return this;
        }

        /**
         * The event name; must not contain CR or LF; {@code null} removes it.
         *
         * @param name the event name, or {@code null}
         * @return this builder
         */
        public Builder event(String name) {
            if (name != null && (name.indexOf('\r') >= 0 || name.indexOf('\n') >= 0)) {
                throw new IllegalArgumentException("event must not contain CR or LF: " + Quote.of(name));
            }
            this.event = name;
            return this;
        }

        /**
         * The id; must not contain CR, LF or NUL; {@code null} removes it, {@code ""} resets the client's.
         *
         * @param id the id, or {@code null}
         * @return this builder
         */
        public Builder id(String id) {
            if (id != null) {
                if (id.indexOf('\r') >= 0 || id.indexOf('\n') >= 0) {
                    throw new IllegalArgumentException("id must not contain CR or LF: " + Quote.of(id));
                }
                if (id.indexOf('\0') >= 0) {
                    throw new IllegalArgumentException("id must not contain NUL: " + Quote.of(id));
                }
            }
            this.id = id;
            return this;
        }

        /**
         * The reconnection delay the client should use, written in whole milliseconds; not negative.
         *
         * @param retry the delay, or {@code null} to remove it
         * @return this builder
         */
        public Builder retry(Duration retry) {
            if (retry != null && retry.isNegative()) {
                throw new IllegalArgumentException("retry must not be negative: " + retry);
            }
            this.retry = retry;
            return this;
        }

        /**
         * A comment; may span several lines; {@code null} removes it.
         *
         * @param comment the comment, or {@code null}
         * @return this builder
         */
        public Builder comment(String comment) {
            this.comment = comment;
            return this;
        }

        /**
         * The event.
         *
         * @return a new event with the fields set on this builder
         */
        public SseEvent build() {
            return new SseEvent(this);
        }
    }
}
