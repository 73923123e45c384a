package dev.ssejaxrs.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.ssejaxrs.event.LineSeparator;
import dev.ssejaxrs.event.SseEvent;

/** What the library writes, a spec-exact client reads back: data identical, line breaks as LF. */
class RoundTripTest {

    static Stream<Arguments> dataAndSeparators() {
        List<String> tricky = List.of("", "plain", " leading spaces", "  two", "a:b", ": looks like a comment",
                "data: nested", "unicode Zoë ✓", "astral 😀𝄞", "lone\rCR", "lone\nLF", "windows\r\nCRLF",
                "trailing newline\n", "\n", "\r\n\r\n", "mixed\r\n\n\rend", "tab\tand\u0001control",
                "x".repeat(64 * 1024), "😀".repeat(10_000) + "\n" + "é".repeat(5000));
        List<Arguments> all = new ArrayList<>();
        for (String data : tricky) {
            for (LineSeparator sep : LineSeparator.values()) {
                all.add(Arguments.of(data, sep));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("dataAndSeparators")
    void writtenData_isReadBackExactly(String data, LineSeparator separator) throws IOException {
        SseEvent event = SseEvent.builder().id("id-" + data.length()).event("kind").data(data).build();
        byte[] wire = concat(SseEvent.comment("ping").encode(separator), event.encode(separator));
        for (int perRead : new int[] {Integer.MAX_VALUE, 1, 7}) {
            EventStreamReader reader = new EventStreamReader(
                    new EventStreamReaderTest.Chunked(wire, perRead, Integer.MAX_VALUE));
            ReceivedEvent received = reader.next();
            // WHATWG turns CR and CRLF inside data into line ends, read back as LF
            assertEquals(data.replace("\r\n", "\n").replace('\r', '\n'), received.data());
            assertEquals("kind", received.type());
            assertEquals("id-" + data.length(), received.lastEventId());
            assertEquals(List.of("ping"), received.comments());
            assertNull(reader.next());
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @ParameterizedTest(name = "comment {0}")
    @MethodSource("comments")
    void writtenComments_areReadBack(String comment) throws IOException {
        EventStreamReader reader = new EventStreamReader(new ByteArrayInputStream(
                SseEvent.comment(comment).encode(LineSeparator.CRLF)));
        assertNull(reader.next());
        assertEquals(List.of(comment.split("\r\n|\r|\n", -1)), reader.comments());
    }

    static Stream<String> comments() {
        return Stream.of("ping - 2026-11-23T10:00:00Z", " spaced", "multi\nline\r\ncomment", "");
    }
}
