package dev.ssejaxrs.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EventStreamReaderTest {

    /** What a client sees after reading a whole stream: the events, the comments, the final last event id. */
    record Seen(List<ReceivedEvent> events, List<String> comments, String lastEventId) {
    }

    static Stream<Arguments> streams() {
        return Stream.of(
                // line ends
                c("LF", "data: a\n\n", List.of(msg("a"))),
                c("CRLF", "data: a\r\n\r\n", List.of(msg("a"))),
                c("lone CR", "data: a\r\r", List.of(msg("a"))),
                c("mixed line ends in one event", "data: a\r\ndata: b\rdata: c\n\r\n", List.of(msg("a\nb\nc"))),
                c("CRLF counts as one line end", "data: a\r\ndata: b\r\n\r\n", List.of(msg("a\nb"))),
                c("CR then LF after a data line is one line end", "data: a\r\ndata: b\r\r\n", List.of(msg("a\nb"))),
                c("LF then CR are two line ends", "data: a\n\rdata: b\n\n", List.of(msg("a"), msg("b"))),
                c("blank lines before the first event", "\n\r\n\rdata: a\n\n", List.of(msg("a"))),
                // BOM
                c("leading BOM dropped", "\uFEFFdata: a\n\n", List.of(msg("a"))),
                c("only one BOM dropped", "\uFEFF\uFEFFdata: a\n\ndata: b\n\n", List.of(msg("b"))),
                c("BOM later in the stream kept", "data: a\n\n\uFEFFdata: b\n\n", List.of(msg("a"))),
                c("BOM then a blank line", "\uFEFF\ndata: a\n\n", List.of(msg("a"))),
                // colon and space
                c("one leading space removed", "data:  two\n\n", List.of(msg(" two"))),
                c("no space after colon", "data:x\n\n", List.of(msg("x"))),
                c("colon inside the value", "data: a: b:c\n\n", List.of(msg("a: b:c"))),
                c("line without colon is a field with empty value", "data\n\n", List.of(msg(""))),
                c("empty data value dispatches empty data", "data:\n\n", List.of(msg(""))),
                c("empty data line keeps a trailing LF", "data: a\ndata:\n\n", List.of(msg("a\n"))),
                c("two empty data lines", "data\ndata\n\n", List.of(msg("\n"))),
                c("field name with a space is unknown", "data : x\n\n", List.of()),
                c("field names are case-sensitive", "Data: x\n\n", List.of()),
                c("tab is not removed", "data:\tx\n\n", List.of(msg("\tx"))),
                // comments
                c("comment only", ": ping\n\n", List.of(), List.of("ping"), ""),
                c("comment without space", ":ping\n", List.of(), List.of("ping"), ""),
                c("comment keeps second space", ":  two\n", List.of(), List.of(" two"), ""),
                c("empty comment", ":\n", List.of(), List.of(""), ""),
                c("comments around data", ": a\ndata: x\n: b\n\n: c\n\n", List.of(msg("x")), List.of("a", "b", "c"), ""),
                // event type
                c("event type", "event: update\ndata: x\n\n", List.of(ev("update", "x", "", null))),
                c("empty event type means message", "event:\ndata: x\n\n", List.of(msg("x"))),
                c("event type resets after dispatch", "event: a\ndata: 1\n\ndata: 2\n\n",
                        List.of(ev("a", "1", "", null), msg("2"))),
                c("event type resets after a block without data", "event: a\n\ndata: 2\n\n", List.of(msg("2"))),
                c("last event line wins", "event: a\nevent: b\ndata: x\n\n", List.of(ev("b", "x", "", null))),
                // id
                c("id persists across events", "id: 1\ndata: a\n\ndata: b\n\n",
                        List.of(ev("message", "a", "1", null), ev("message", "b", "1", null))),
                c("id-only block moves the last event id", "id: 1\n\ndata: b\n\n", List.of(ev("message", "b", "1", null))),
                c("id-only block at the end", "data: a\n\nid: 9\n\n", List.of(msg("a")), List.of(), "9"),
                c("empty id resets", "id: 1\ndata: a\n\nid\ndata: b\n\n",
                        List.of(ev("message", "a", "1", null), ev("message", "b", "", null))),
                c("id with NUL ignored", "id: 1\ndata: a\n\nid: x\0y\ndata: b\n\n",
                        List.of(ev("message", "a", "1", null), ev("message", "b", "1", null))),
                c("id of an unfinished event does not count", "data: a\n\nid: 5\ndata: b\n", List.of(msg("a"))),
                // retry
                c("retry", "retry: 3000\ndata: a\n\n", List.of(ev("message", "a", "", 3000L))),
                c("retry applies to its block only", "retry: 5\ndata: a\n\ndata: b\n\n",
                        List.of(ev("message", "a", "", 5L), msg("b"))),
                c("retry with unit ignored", "retry: 3s\ndata: a\n\n", List.of(msg("a"))),
                c("negative retry ignored", "retry: -1\ndata: a\n\n", List.of(msg("a"))),
                c("empty retry ignored", "retry:\ndata: a\n\n", List.of(msg("a"))),
                c("retry with trailing space ignored", "retry: 1 \ndata: a\n\n", List.of(msg("a"))),
                c("retry with a second leading space ignored", "retry:  1\ndata: a\n\n", List.of(msg("a"))),
                c("non-ASCII digits ignored", "retry: \u0661\ndata: a\n\n", List.of(msg("a"))),
                c("huge retry saturates", "retry: 123456789012345678901234567890\ndata: a\n\n",
                        List.of(ev("message", "a", "", Long.MAX_VALUE))),
                c("invalid retry keeps the earlier one", "retry: 7\nretry: x\ndata: a\n\n",
                        List.of(ev("message", "a", "", 7L))),
                // unknown fields, blocks without data, end of stream
                c("unknown field ignored", "foo: bar\ndata: a\n\n", List.of(msg("a"))),
                c("block without data not dispatched", "event: x\nretry: 5\n\n", List.of()),
                c("unfinished event discarded", "data: a\n\ndata: b\n", List.of(msg("a"))),
                c("unfinished line discarded", "data: a\n\ndata: b", List.of(msg("a"))),
                c("nothing complete", "data: a", List.of()),
                c("empty stream", "", List.of()),
                // content
                c("UTF-8 multi-byte and astral characters", "data: h\u00e9llo \u4e2d \uD83D\uDE00\n\n",
                        List.of(msg("h\u00e9llo \u4e2d \uD83D\uDE00"))),
                c("NUL in data kept", "data: a\0b\n\n", List.of(msg("a\0b"))),
                Arguments.of("malformed UTF-8 replaced", bytes("data: ", new byte[] {(byte) 0xff, 'x'}, "\n\n"),
                        new Seen(List.of(msg("\uFFFDx")), List.of(), "")),
                Arguments.of("truncated UTF-8 before a line end replaced",
                        bytes("data: ", new byte[] {(byte) 0xE2, (byte) 0x82}, "\n\n"),
                        new Seen(List.of(msg("\uFFFD")), List.of(), "")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("streams")
    void readsLikeAConformingClient_inAnyReadChunking(String name, byte[] input, Seen expected) throws IOException {
        assertEquals(expected, readAll(new java.io.ByteArrayInputStream(input)), "whole input in one read");
        assertEquals(expected, readAll(SplitInputStream.oneBytePerRead(input)), "one byte per read");
        for (int cut = 1; cut < input.length; cut++) {
            assertEquals(expected, readAll(SplitInputStream.cutAt(input, cut)), "reads split at byte " + cut);
        }
    }

    @Test
    void splitsAcrossThreeReads_insideCrlfAndInsideOneCharacter() throws IOException {
        byte[] input = "data: \u20ac\r\n\r\n".getBytes(StandardCharsets.UTF_8); // the euro sign is 3 bytes
        Seen seen = readAll(SplitInputStream.cutAt(input, 7, 8, 10));    // inside the euro sign and the CRLF
        assertEquals(List.of(msg("\u20ac")), seen.events());
    }

    @Test
    void returnsAnEventWithoutReadingPastItsBlankLine() throws IOException {
        byte[] first = "data: one\n\n".getBytes(StandardCharsets.UTF_8);
        InputStream failsAfterFirstEvent = new InputStream() {
            private int pos;

            @Override
            public int read() {
                throw new AssertionError("single-byte read not expected");
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos == first.length) {
                    throw new AssertionError("reader asked for more bytes before returning a complete event");
                }
                int n = Math.min(len, first.length - pos);
                System.arraycopy(first, pos, b, off, n);
                pos += n;
                return n;
            }
        };
        assertEquals(msg("one"), EventStreamReader.of(failsAfterFirstEvent).next());
    }

    @Test
    void commentsArePassedOnBeforeTheNextEventIsReturned() throws IOException {
        List<String> comments = new ArrayList<>();
        EventStreamReader reader = EventStreamReader.of(
                SplitInputStream.oneBytePerRead(bytes(": a\n\ndata: x\n\n: b\n")), comments::add);
        assertEquals(msg("x"), reader.next());
        assertEquals(List.of("a"), comments);
        assertNull(reader.next());
        assertEquals(List.of("a", "b"), comments);
        assertNull(reader.next(), "end of stream is sticky");
    }

    @Test
    void reads64KiBOfDataInOneEvent() throws IOException {
        String big = "x".repeat(64 * 1024);
        assertEquals(msg(big), EventStreamReader.of(new java.io.ByteArrayInputStream(bytes("data: " + big + "\n\n")))
                .next());
    }

    static Seen readAll(InputStream in) throws IOException {
        List<String> comments = new ArrayList<>();
        List<ReceivedEvent> events = new ArrayList<>();
        try (EventStreamReader reader = EventStreamReader.of(in, comments::add)) {
            for (ReceivedEvent e = reader.next(); e != null; e = reader.next()) {
                events.add(e);
            }
            return new Seen(events, comments, reader.lastEventId());
        }
    }

    private static Arguments c(String name, String input, List<ReceivedEvent> events) {
        String lastId = events.isEmpty() ? "" : events.get(events.size() - 1).lastEventId();
        return c(name, input, events, List.of(), lastId);
    }

    private static Arguments c(String name, String input, List<ReceivedEvent> events, List<String> comments,
                               String lastEventId) {
        return Arguments.of(name, bytes(input), new Seen(events, comments, lastEventId));
    }

    private static ReceivedEvent msg(String data) {
        return ReceivedEvent.message(data);
    }

    private static ReceivedEvent ev(String type, String data, String id, Long retryMillis) {
        return new ReceivedEvent(type, data, id, retryMillis == null ? null : Duration.ofMillis(retryMillis));
    }

    static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            byte[] b = part instanceof byte[] raw ? raw : ((String) part).getBytes(StandardCharsets.UTF_8);
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

}
