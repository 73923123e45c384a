package dev.ssejaxrs.testing;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

import jakarta.ws.rs.core.Response;

/**
 * Reads events from a {@code text/event-stream} body incrementally, following the WHATWG parsing rules to the letter.
 *
 * <p>Bytes are read as they arrive and an event is returned as soon as its blank line has been read, so the reader
 * works on a response that is still open. What it implements: one leading UTF-8 BOM dropped; CRLF, LF and a lone CR
 * each end a line (also when split across reads); UTF-8 decoding with malformed bytes replaced by U+FFFD (also when a
 * character is split across reads); one space after the colon removed; {@code event}, {@code data}, {@code id} (ignored
 * if it contains NUL, persists across events), {@code retry} (ASCII digits only); other fields ignored; a line
 * without a colon is a field with an empty value; a block without {@code data} is not dispatched (its id still
 * counts); an unfinished event at the end of the stream is discarded. Comment lines (starting with {@code :}) are
 * passed to an optional listener, with one leading space removed, as soon as they are read.
 *
 * <pre>{@code
 * List<String> comments = new ArrayList<>();
 * try (EventStreamReader reader = EventStreamReader.of(response, comments::add)) {
 *     ReceivedEvent first = reader.next();       // blocks until one event is complete; null at end of stream
 *     assertEquals("hello", first.data());
 * }
 * }</pre>
 *
 * <p>Jersey's in-memory test connector buffers the whole response before the entity can be read: with it, the
 * reader only sees a stream that has ended. Test incremental delivery against a real container (see
 * {@link SseServerExtension}).
 *
 * <p>Not thread-safe: one thread calls {@link #next()}; the comment listener runs on that thread, inside
 * {@code next()}.
 */
public final class EventStreamReader implements Closeable {
    private static final String DEFAULT_TYPE = "message";

    private final InputStream in;
    private final Closeable resource;
    private final Consumer<String> commentListener;

    private final byte[] buf = new byte[8192];
    private int pos;
    private int limit;
    private boolean endOfStream;

    private byte[] line = new byte[256];
    private int lineLength;
    /** WHATWG: CRLF is one line end, so an LF right after a CR (even in the next read) is skipped. */
    private boolean afterCr;
    private boolean firstLine = true;

    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private String eventType = "";
    /** WHATWG: the id field sets this buffer; it becomes the last event id only when a blank line is read. */
    private String lastEventIdBuffer = "";
    private String lastEventId = "";
    private Duration retry;

    private EventStreamReader(InputStream in, Closeable resource, Consumer<String> commentListener) {
        this.in = in;
        this.resource = resource;
        this.commentListener = commentListener;
    }

    /**
     * A reader of {@code in}; comments are ignored.
     *
     * @param in the event stream's bytes (not null)
     * @return the reader
     */
    public static EventStreamReader of(InputStream in) {
        return of(in, comment -> { });
    }

    /**
     * A reader of {@code in} that passes every comment line's text to {@code commentListener}.
     *
     * @param in the event stream's bytes (not null)
     * @param commentListener takes each comment line's text, in {@link #next()} (not null)
     * @return the reader
     */
    public static EventStreamReader of(InputStream in, Consumer<String> commentListener) {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(commentListener, "commentListener");
        return new EventStreamReader(in, in, commentListener);
    }

    /**
     * A reader of a JAX-RS response's entity; {@link #close()} closes the response.
     *
     * @param response the response (not null)
     * @return the reader
     */
    public static EventStreamReader of(Response response) {
        return of(response, comment -> { });
    }

    /**
     * A reader of a JAX-RS response's entity that passes comments to {@code commentListener}.
     *
     * @param response the response (not null)
     * @param commentListener takes each comment line's text, in {@link #next()} (not null)
     * @return the reader
     */
    public static EventStreamReader of(Response response, Consumer<String> commentListener) {
        Objects.requireNonNull(response, "response");
        Objects.requireNonNull(commentListener, "commentListener");
        return new EventStreamReader(response.readEntity(InputStream.class), response::close, commentListener);
    }

    /**
     * The next event, blocking until one is complete, or {@code null} when the stream ends first (an unfinished
     * event at the end is discarded, as clients do).
     *
     * @return the event, or {@code null} at the end of the stream
     * @throws IOException when reading the stream fails
     */
    public ReceivedEvent next() throws IOException {
        while (true) {
            if (pos == limit) {
                if (endOfStream) {
                    return null;
                }
                int n = in.read(buf, 0, buf.length);
                if (n < 0) {
                    endOfStream = true;
                    return null;
                }
                pos = 0;
                limit = n;
            }
            while (pos < limit) {
                byte b = buf[pos++];
                if (afterCr) {
                    afterCr = false;
                    if (b == '\n') {
                        continue;
                    }
                }
                if (b == '\r' || b == '\n') {
                    afterCr = b == '\r';
                    ReceivedEvent event = processLine(takeLine());
                    if (event != null) {
                        return event;
                    }
                } else {
                    append(b);
                }
            }
        }
    }

    /**
     * The last event id so far ({@code ""} if none): what a client would send as {@code Last-Event-ID}. It includes
     * ids from finished blocks that dispatched no event, not the id of an unfinished one.
     *
     * @return the last event id, never {@code null}
     */
    public String lastEventId() {
        return lastEventId;
    }

    /** Closes the underlying stream (or response). */
    @Override
    public void close() throws IOException {
        resource.close();
    }

    private void append(byte b) {
        if (lineLength == line.length) {
            line = Arrays.copyOf(line, line.length * 2);
        }
        line[lineLength++] = b;
    }

    private String takeLine() {
        int start = 0;
        if (firstLine) {
            firstLine = false;
            // WHATWG: one U+FEFF at the very start of the stream is dropped
            if (lineLength >= 3 && line[0] == (byte) 0xEF && line[1] == (byte) 0xBB && line[2] == (byte) 0xBF) {
                start = 3;
            }
        }
        String text = new String(line, start, lineLength - start, StandardCharsets.UTF_8);
        lineLength = 0;
        return text;
    }

    private ReceivedEvent processLine(String text) {
        if (text.isEmpty()) {
            return dispatch();
        }
        if (text.charAt(0) == ':') {
            commentListener.accept(withoutLeadingSpace(text.substring(1)));
            return null;
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            processField(text, "");
        } else {
            processField(text.substring(0, colon), withoutLeadingSpace(text.substring(colon + 1)));
        }
        return null;
    }

    private void processField(String name, String value) {
        switch (name) {
            case "event" -> eventType = value;
            case "data" -> {
                data.append(value).append('\n');
                hasData = true;
            }
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    lastEventIdBuffer = value;
                }
            }
            case "retry" -> {
                if (isAsciiDigits(value)) {
                    retry = Duration.ofMillis(parseSaturated(value));
                }
            }
            default -> {
                // WHATWG: any other field is ignored
            }
        }
    }

    private ReceivedEvent dispatch() {
        lastEventId = lastEventIdBuffer;
        ReceivedEvent event = null;
        if (hasData) {
            data.setLength(data.length() - 1); // WHATWG: the last LF appended by a data line is removed
            event = new ReceivedEvent(eventType.isEmpty() ? DEFAULT_TYPE : eventType, data.toString(), lastEventId,
                    retry);
        }
        data.setLength(0);
        hasData = false;
        eventType = "";
        retry = null;
        return event;
    }

    private static String withoutLeadingSpace(String value) {
        return value.startsWith(" ") ? value.substring(1) : value;
    }

    private static boolean isAsciiDigits(String value) {
        if (value.isEmpty()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static long parseSaturated(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException tooLong) {
            return Long.MAX_VALUE;
        }
    }
}
