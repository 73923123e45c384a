package dev.ssejaxrs.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The WHATWG parsing rules, byte sequence by byte sequence, however the bytes are split into reads. */
class EventStreamReaderTest {

    /** A case: the bytes, then the events as "type|data|lastEventId", then the comments. */
    static Stream<Arguments> cases() {
        return Stream.of(
                c("plain", "data: a\n\n", List.of("message|a|")),
                c("BOM dropped once", "\uFEFFdata: a\n\n", List.of("message|a|")),
                c("second BOM is part of the field name", "\uFEFF\uFEFFdata: a\n\n", List.of()),
                c("CRLF line ends", "data: a\r\n\r\n", List.of("message|a|")),
                c("lone CR line ends", "data: a\r\r", List.of("message|a|")),
                c("mixed line ends", "data: a\rdata: b\ndata: c\r\n\r\n", List.of("message|a\nb\nc|")),
                c("one leading space removed", "data:  two\n\ndata:none\n\n", List.of("message| two|", "message|none|")),
                c("colons in the value", "data: a:b: c\n\n", List.of("message|a:b: c|")),
                c("line without colon is a field with empty value", "data\n\n", List.of("message||")),
                c("empty data dispatches", "data:\n\n", List.of("message||")),
                c("trailing newline kept", "data: a\ndata: \n\n", List.of("message|a\n|")),
                c("event type, reset after dispatch", "event: update\ndata: a\n\ndata: b\n\n",
                        List.of("update|a|", "message|b|")),
                c("no data: nothing dispatched, type reset", "event: x\n\ndata: y\n\n", List.of("message|y|")),
                c("id persists across events", "id: 7\ndata: a\n\ndata: b\n\n", List.of("message|a|7", "message|b|7")),
                c("empty id resets", "id: 7\ndata: a\n\nid\ndata: b\n\n", List.of("message|a|7", "message|b|")),
                c("id with NUL ignored", "id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n", List.of("message|a|1", "message|b|1")),
                c("id-only block moves the id", "id: 3\n\ndata: a\n\n", List.of("message|a|3")),
                c("unknown fields ignored", "foo: bar\nDATA: x\ndata: a\n\n", List.of("message|a|")),
                c("incomplete last event discarded", "data: a\n\ndata: b\n", List.of("message|a|")),
                c("incomplete last line discarded", "data: a\n\ndata: b", List.of("message|a|")),
                c("UTF-8, astral too", "data: Zoë ✓ 😀\n\n", List.of("message|Zoë ✓ 😀|")),
                c("comments", ": ping - 1\n:x\ndata: a\n\n: tail\n", List.of("message|a|"), "ping - 1", "x", "tail"),
                c("only a comment", ": hi\r\n\r\n", List.of(), "hi"));
    }

    private static Arguments c(String name, String text, List<String> events, String... comments) {
        return Arguments.of(name, text.getBytes(StandardCharsets.UTF_8), events, List.of(comments));
    }

    private static List<String> readAll(InputStream in, List<String> comments) throws IOException {
        EventStreamReader reader = new EventStreamReader(in);
        List<String> events = new ArrayList<>();
        ReceivedEvent e;
        while ((e = reader.next()) != null) {
            events.add(e.type() + "|" + e.data() + "|" + e.lastEventId());
        }
        comments.addAll(reader.comments());
        return events;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void wholeStream(String name, byte[] bytes, List<String> events, List<String> comments) throws IOException {
        List<String> seenComments = new ArrayList<>();
        assertEquals(events, readAll(new ByteArrayInputStream(bytes), seenComments));
        assertEquals(comments, seenComments);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void oneBytePerRead(String name, byte[] bytes, List<String> events, List<String> comments) throws IOException {
        List<String> seenComments = new ArrayList<>();
        assertEquals(events, readAll(new Chunked(bytes, 1, Integer.MAX_VALUE), seenComments));
        assertEquals(comments, seenComments);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void splitAtEveryOffset(String name, byte[] bytes, List<String> events, List<String> comments)
            throws IOException {
        for (int split = 1; split < bytes.length; split++) { // inside CRLFs and UTF-8 characters included
            List<String> seenComments = new ArrayList<>();
            assertEquals(events, readAll(new Chunked(bytes, Integer.MAX_VALUE, split), seenComments),
                    "split at " + split);
            assertEquals(comments, seenComments, "split at " + split);
        }
    }

    @ParameterizedTest(name = "retry {0}")
    @MethodSource("retries")
    void retry_onlyWithAsciiDigits(String value, Optional<Duration> expected) throws IOException {
        EventStreamReader reader = new EventStreamReader(
                new ByteArrayInputStream(("retry: " + value + "\ndata: a\n\n").getBytes(StandardCharsets.UTF_8)));
        assertEquals("a", reader.next().data());
        assertEquals(expected, reader.reconnectionTime());
    }

    static Stream<Arguments> retries() {
        return Stream.of(
                Arguments.of("1500", Optional.of(Duration.ofMillis(1500))),
                Arguments.of("0", Optional.of(Duration.ZERO)),
                Arguments.of("15x", Optional.empty()),
                Arguments.of("-1", Optional.empty()),
                Arguments.of("1.5", Optional.empty()),
                Arguments.of("", Optional.empty()));
    }

    /** Returns at most {@code perRead} bytes per read, and never crosses {@code splitAt} in one read. */
    static final class Chunked extends InputStream {
        private final byte[] bytes;
        private final int perRead;
        private final int splitAt;
        private int pos;

        Chunked(byte[] bytes, int perRead, int splitAt) {
            this.bytes = bytes;
            this.perRead = perRead;
            this.splitAt = splitAt;
        }

        @Override
        public int read() {
            return pos < bytes.length ? bytes[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos == bytes.length) {
                return -1;
            }
            int limit = pos < splitAt ? Math.min(splitAt, bytes.length) : bytes.length;
            int n = Math.min(Math.min(len, perRead), limit - pos);
            System.arraycopy(bytes, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
