package dev.ssejaxrs.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import dev.ssejaxrs.testing.EventStreamReader;
import dev.ssejaxrs.testing.ReceivedEvent;

/**
 * The encoder against the WHATWG reader, as properties (issue 26, jqwik): any valid event (well-formed text, no CR
 * or LF in its name or id, no NUL in its id), encoded with any line separator and read back in chunks of any size,
 * gives the client exactly its name, data (line breaks as LF), id, retry and comment lines; an event without data
 * dispatches nothing and still moves the last event id. A failure prints the smallest event that breaks it.
 */
class EncoderRoundTripPropertyTest {

    @Property(tries = 500)
    void anyValidEvent_readsBackAsTheClientMustSeeIt(@ForAll("events") SseEvent event,
            @ForAll LineSeparator separator, @ForAll("chunks") int chunk) throws IOException {
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

    @Provide
    Arbitrary<SseEvent> events() {
        Arbitrary<String> oneLine = text().map(s -> s.replace('\r', ' ').replace('\n', ' '));
        Arbitrary<String> id = oneLine.map(s -> s.replace('\0', ' ')).injectNull(0.3);
        Arbitrary<String> name = oneLine.injectNull(0.3);
        Arbitrary<String> data = text().injectNull(0.15);
        Arbitrary<String> comment = text().injectNull(0.7);
        Arbitrary<Duration> retry = Arbitraries.longs().between(0, 1L << 40).map(Duration::ofMillis).injectNull(0.7);
        return Combinators.combine(id, name, data, comment, retry).as((i, n, d, c, r) -> SseEvent.builder().id(i)
                .event(n).data(d).comment(c).retry(r).build());
    }

    /** Well-formed text biased towards what framing cares about: line breaks, colons, spaces, NUL, BOM, non-ASCII. */
    private static Arbitrary<String> text() {
        Arbitrary<Integer> special = Arbitraries.of((int) '\r', (int) '\n', (int) ':', (int) ' ', 0, 0xFEFF,
                (int) 'a', 0xE9, 0x20AC, 0x1F600, 0xFFFD);
        Arbitrary<Integer> any = Arbitraries.integers().between(0, Character.MAX_CODE_POINT)
                .filter(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, special), net.jqwik.api.Tuple.of(2, any))
                .list().ofMaxSize(40).map(codePoints -> {
                    StringBuilder s = new StringBuilder();
                    codePoints.forEach(s::appendCodePoint);
                    return s.toString();
                });
    }

    @Provide
    Arbitrary<Integer> chunks() {
        return Arbitraries.integers().between(1, 64);
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
