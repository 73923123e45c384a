package dev.ssejaxrs.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import jakarta.ws.rs.core.Response;

/**
 * Reads an event stream exactly as the WHATWG rules say a browser does, incrementally: each call reads only as
 * many bytes as it needs, so a test sees events while the response is still open.
 *
 * <pre>{@code
 * try (InputStream body = connection.getInputStream()) {
 *     EventStreamReader reader = new EventStreamReader(body);
 *     ReceivedEvent first = reader.next();          // blocks until an event is complete; null at the end
 * }
 * }</pre>
 *
 * <p>Rules applied: one leading BOM dropped; lines end at CRLF, LF or a lone CR (also when a CRLF or a multi-byte
 * UTF-8 character is split between reads); one space after the colon removed; a line without a colon is a field
 * with an empty value; {@code id} with a NUL is ignored and the last event id persists across events; {@code retry}
 * only with ASCII digits; unknown fields ignored; a blank line with no {@code data} dispatches nothing (but keeps
 * the id); one trailing LF removed from the data; an event the stream ends inside is discarded. Comments are kept
 * and handed out with the next event ({@link ReceivedEvent#comments()}) and through {@link #comments()}.
 *
 * <p>Not thread-safe: one thread reads.
 */
public final class EventStreamReader {
    private static final int CR = '\r';
    private static final int LF = '\n';

    private final InputStream in;
    private final byte[] chunk = new byte[8192];
    private int chunkPos;
    private int chunkEnd;
    private byte[] line = new byte[256];
    private int lineLength;
    private boolean atStart = true;
    private boolean skipLineFeed;
    private boolean ended;

    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private String eventType = "";
    private String lastEventId = "";
    private Duration reconnectionTime;
    private final List<String> pendingComments = new ArrayList<>();
    private final List<String> allComments = new ArrayList<>();

    private final Consumer<String> onComment;

    /** A reader of {@code in}, which it reads only when asked for the next event. */
    public EventStreamReader(InputStream in) {
        this(in, comment -> { });
    }

    /** A reader that also hands each comment to {@code onComment} as soon as its line is read. */
    EventStreamReader(InputStream in, Consumer<String> onComment) {
        this.in = in;
        this.onComment = onComment;
    }

    /** A reader of a JAX-RS response's body (read as a stream, never buffered whole). */
    public static EventStreamReader of(Response response) {
        return new EventStreamReader(response.readEntity(InputStream.class));
    }

    /**
     * Reads until the next event is dispatched and returns it, or {@code null} when the stream ended first (an
     * event left incomplete by the end is discarded, as the rules say).
     */
    public ReceivedEvent next() throws IOException {
        while (true) {
            if (!readLine()) {
                return null;
            }
            ReceivedEvent event = processLine();
            if (event != null) {
                return event;
            }
        }
    }

    /** Every comment line read so far, in order (the text after the colon, one leading space removed). */
    public List<String> comments() {
        return List.copyOf(allComments);
    }

    /** The last event id in force now. */
    public String lastEventId() {
        return lastEventId;
    }

    /** The reconnection time the stream set with {@code retry}, if it did. */
    public Optional<Duration> reconnectionTime() {
        return Optional.ofNullable(reconnectionTime);
    }

    /** Reads one line into {@link #line}; false at the end of the stream (a partial last line is dropped). */
    private boolean readLine() throws IOException {
        lineLength = 0;
        while (true) {
            if (chunkPos == chunkEnd && !fill()) {
                return false;
            }
            while (chunkPos < chunkEnd) {
                int b = chunk[chunkPos++] & 0xff;
                if (skipLineFeed) {
                    skipLineFeed = false;
                    if (b == LF) {
                        continue; // the LF of a CRLF whose CR ended the previous line
                    }
                }
                if (b == CR) {
                    skipLineFeed = true;
                    return true;
                }
                if (b == LF) {
                    return true;
                }
                if (lineLength == line.length) {
                    line = Arrays.copyOf(line, line.length * 2);
                }
                line[lineLength++] = (byte) b;
            }
        }
    }

    private boolean fill() throws IOException {
        if (ended) {
            return false;
        }
        int n = in.read(chunk, 0, chunk.length);
        if (n < 0) {
            ended = true;
            return false;
        }
        chunkPos = 0;
        chunkEnd = n;
        if (atStart && n > 0) {
            atStart = false;
            dropByteOrderMark();
        }
        return true;
    }

    /** WHATWG: one U+FEFF at the very start is dropped; its three bytes may come in separate reads. */
    private void dropByteOrderMark() throws IOException {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        int matched = 0;
        while (matched < 3) {
            if (chunkPos + matched == chunkEnd) {
                int more = in.read(chunk, chunkEnd, chunk.length - chunkEnd);
                if (more < 0) {
                    ended = true;
                    break;
                }
                chunkEnd += more;
                continue;
            }
            if (chunk[chunkPos + matched] != bom[matched]) {
                return;
            }
            matched++;
        }
        if (matched == 3) {
            chunkPos += 3;
        }
    }

    private ReceivedEvent processLine() {
        String text = new String(line, 0, lineLength, StandardCharsets.UTF_8);
        if (text.isEmpty()) {
            return dispatch();
        }
        if (text.charAt(0) == ':') {
            String comment = withoutOneSpace(text.substring(1));
            pendingComments.add(comment);
            allComments.add(comment);
            onComment.accept(comment);
            return null;
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : withoutOneSpace(text.substring(colon + 1));
        switch (field) {
            case "event" -> eventType = value;
            case "data" -> {
                data.append(value).append('\n');
                hasData = true;
            }
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    lastEventId = value;
                }
            }
            case "retry" -> {
                if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    reconnectionTime = Duration.ofMillis(Long.parseLong(value));
                }
            }
            default -> {
                // unknown fields are ignored
            }
        }
        return null;
    }

    private ReceivedEvent dispatch() {
        if (!hasData) {
            eventType = "";
            return null;
        }
        data.setLength(data.length() - 1); // the last LF
        ReceivedEvent event = new ReceivedEvent(eventType.isEmpty() ? "message" : eventType, data.toString(),
                lastEventId, List.copyOf(pendingComments));
        data.setLength(0);
        hasData = false;
        eventType = "";
        pendingComments.clear();
        return event;
    }

    private static String withoutOneSpace(String value) {
        return value.startsWith(" ") ? value.substring(1) : value;
    }
}
