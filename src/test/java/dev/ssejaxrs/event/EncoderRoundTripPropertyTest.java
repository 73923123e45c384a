package dev.ssejaxrs.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.ssejaxrs.test.RandomInputs;
import dev.ssejaxrs.testing.EventStreamReader;
import dev.ssejaxrs.testing.ReceivedEvent;

/**
 * The encoder against the WHATWG reader, as properties (issue 26; JUnit 5 with {@link RandomInputs}): any valid event
 * (well-formed text, no CR or LF in its name or id, no NUL in its id), encoded with any line separator and read back
 * in chunks of any size, gives the client exactly its name, data (line breaks as LF), id, retry and comment lines; an
 * event without data dispatches nothing and still moves the last event id. A failure names the seed of its try and
 * the event, separator and chunk size.
 */
class EncoderRoundTripPropertyTest {
    private static final long SEED = 0x5E5E_E7C0_DE26_0001L;
    private static final int TRIES = 500;

    /** One try's input. */
    private record Input(SseEvent event, LineSeparator separator, int chunk) {
        String describe() {
            return "id=" + RandomInputs.describe(event.id()) + ", event=" + RandomInputs.describe(event.event())
                    + ", data=" + RandomInputs.describe(event.data()) + ", comment="
                    + RandomInputs.describe(event.comment()) + ", retry=" + event.retry() + ", separator=" + separator
                    + ", chunk=" + chunk;
        }
    }

    @Test
    void anyValidEvent_readsBackAsTheClientMustSeeIt() {
        RandomInputs.check("anyValidEvent_readsBackAsTheClientMustSeeIt", SEED, TRIES, TRIES,
                r -> new Input(event(r), r.oneOf(LineSeparator.values()), r.intBetween(1, 64)), Input::describe,
                input -> readsBack(input.event(), input.separator(), input.chunk()));
    }

    private static void readsBack(SseEvent event, LineSeparator separator, int chunk) throws IOException {
        List<String> comments = new ArrayList<>();
        byte[] bytes = event.encode(separator);
        try (EventStreamReader reader = EventStreamReader.of(new Chunked(bytes, chunk), comments::add)) {
            ReceivedEvent received = reader.next();
            String expectedId = event.id() == null ? "" : event.id();
            if (event.data() == null) {
                assertNull(received, "an event without data dispatches nothing: " + event);
            } else {
                String type = event.event() == null || event.event().isEmpty() ? "message" : event.event();
                assertEquals(new ReceivedEvent(type, lines(event.data()), expectedId, event.retry()), received,
                        "read back from " + Quote.of(new String(bytes, java.nio.charset.StandardCharsets.UTF_8)));
                assertNull(reader.next(), "one event");
            }
            assertEquals(expectedId, reader.lastEventId());
            assertEquals(event.comment() == null ? List.of() : List.of(lines(event.comment()).split("\n", -1)),
                    comments);
        }
    }

    /** Text with its CRLF and lone CR written as LF, as a client rebuilds it. */
    private static String lines(String text) {
        return text.replace("\r\n", "\n").replace('\r', '\n');
    }

    /** An event: id and name one line of text (the id without NUL), data, comment, retry, each possibly absent. */
    private static SseEvent event(RandomInputs r) {
        String id = r.orNull(0.3, () -> oneLine(r).replace('\0', ' '));
        String name = r.orNull(0.3, () -> oneLine(r));
        String data = r.orNull(0.15, () -> text(r));
        String comment = r.orNull(0.7, () -> text(r));
        Duration retry = r.orNull(0.7, () -> Duration.ofMillis(r.longBetween(0, 1L << 40)));
        return SseEvent.builder().id(id).event(name).data(data).comment(comment).retry(retry).build();
    }

    private static String oneLine(RandomInputs r) {
        return text(r).replace('\r', ' ').replace('\n', ' ');
    }

    /** Code points that framing cares about: line breaks, colons, spaces, NUL, BOM, non-ASCII. */
    private static final int[] SPECIAL = {'\r', '\n', ':', ' ', 0, 0xFEFF, 'a', 0xE9, 0x20AC, 0x1F600, 0xFFFD};
    /** Texts a generator should try first: empty, lone line breaks and their mixes. */
    private static final String[] EDGE_TEXTS = {"", "\r", "\n", "\r\n", "\n\r", "\r\r\n", "\r\n\n", "a\r\nb\rc\nd",
        "\r\n\r\n", ":", " ", "\0", "\uFEFF", "\uD83D\uDE00"};

    /**
     * Well-formed text (no lone surrogate) biased towards what framing cares about: up to 40 code points, 3 in 5 of
     * {@link #SPECIAL}, 2 in 5 any code point but a surrogate; as edge cases {@link #EDGE_TEXTS}.
     */
    private static String text(RandomInputs r) {
        if (r.edgeCase()) {
            return r.oneOf(EDGE_TEXTS);
        }
        int length = r.size(0, 40);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.appendCodePoint(r.frequency(new int[] {3, 2}, () -> SPECIAL[r.below(SPECIAL.length)],
                    () -> anyCodePoint(r)));
        }
        return s.toString();
    }

    private static int anyCodePoint(RandomInputs r) {
        while (true) {
            int cp = r.intBetween(0, Character.MAX_CODE_POINT);
            if (cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE) {
                return cp;
            }
        }
    }

    /** Hands out at most {@code chunk} bytes per read, so that lines, CRLFs and characters split across reads. */
    private static final class Chunked extends InputStream {
        private final ByteArrayInputStream in;
        private final int chunk;

        Chunked(byte[] bytes, int chunk) {
            this.in = new ByteArrayInputStream(bytes);
            this.chunk = chunk;
        }

        @Override
        public int read() {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return in.read(b, off, Math.min(len, chunk));
        }
    }
}
