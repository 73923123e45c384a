package dev.ssejaxrs.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.ssejaxrs.event.LineSeparator;
import dev.ssejaxrs.event.SseEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What {@link SseEvent#encode} writes, {@link EventStreamReader} reads back as the same event. */
class RoundTripTest {

    static final List<String> TRICKY_DATA = List.of(
            "",
            "plain",
            " leading space",
            "  two leading spaces",
            "trailing space ",
            ":starts with colon",
            "a: b: c",
            "data: looks like a field",
            "\n",
            "\r",
            "\r\n",
            "a\nb",
            "a\rb",
            "a\r\nb",
            "a\n\rb",
            "a\r\rb",
            "trailing newline\n",
            "trailing cr\r",
            "trailing crlf\r\n",
            "\nleading newline",
            "h\u00e9llo \u4e2d\u6587 \uD83D\uDE00 \uD83C\uDDE9\uD83C\uDDEA",
            "\uFEFFbom inside",
            "nul\0inside",
            "tab\tinside",
            "x".repeat(64 * 1024),
            "\uD83D\uDE00".repeat(20_000) + "\n" + "y".repeat(70_000));

    static Stream<Arguments> dataAndSeparator() {
        List<Arguments> all = new ArrayList<>();
        for (LineSeparator sep : LineSeparator.values()) {
            for (String data : TRICKY_DATA) {
                all.add(Arguments.of(Visible.of(data), data, sep));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{2} {0}")
    @MethodSource("dataAndSeparator")
    void dataReadsBackExactly_withLineEndsNormalisedToLf(String shown, String data, LineSeparator sep)
            throws IOException {
        SseEvent sent = SseEvent.builder().id("id-1").event("update").data(data).build();

        List<ReceivedEvent> received = readAll(sent.encode(sep));

        // WHATWG: CR and CRLF end lines like LF does, so a client can only see them as LF
        String expected = data.replace("\r\n", "\n").replace('\r', '\n');
        assertEquals(List.of(new ReceivedEvent("update", expected, "id-1", null)), received);
        if (data.indexOf('\r') < 0) {
            assertEquals(data, received.get(0).data(), "data without CR is read back identically");
        }
    }

    @ParameterizedTest(name = "{2} {0}")
    @MethodSource("dataAndSeparator")
    void dataReadsBackExactly_whenTheBytesArriveOneAtATime(String shown, String data, LineSeparator sep)
            throws IOException {
        if (data.length() > 1000) {
            return; // one-byte reads of the big values add time, not coverage
        }
        byte[] wire = SseEvent.builder().data(data).comment("c\nd").build().encode(sep);
        List<String> comments = new ArrayList<>();
        EventStreamReader reader = EventStreamReader.of(SplitInputStream.oneBytePerRead(wire), comments::add);

        assertEquals(ReceivedEvent.message(data.replace("\r\n", "\n").replace('\r', '\n')), reader.next());
        assertEquals(null, reader.next());
        assertEquals(List.of("c", "d"), comments);
    }

    @Test
    void everyFieldReadsBack_acrossSeveralEventsOnOneStream() throws IOException {
        for (LineSeparator sep : LineSeparator.values()) {
            byte[] wire = concat(
                    SseEvent.builder().id("7").event("e1").data("one").retry(Duration.ofMillis(2500)).build()
                            .encode(sep),
                    SseEvent.comment("ping").encode(sep),
                    SseEvent.builder().id("").build().encode(sep),
                    SseEvent.of("two").encode(sep),
                    SseEvent.builder().id("\u00e9\uD83D\uDE00").data("three").build().encode(sep));

            assertEquals(List.of(
                    new ReceivedEvent("e1", "one", "7", Duration.ofMillis(2500)),
                    new ReceivedEvent("message", "two", "", null),
                    new ReceivedEvent("message", "three", "\u00e9\uD83D\uDE00", null)),
                    readAll(wire), sep.name());
        }
    }

    private static List<ReceivedEvent> readAll(byte[] wire) throws IOException {
        return EventStreamReaderTest.readAll(new ByteArrayInputStream(wire)).events();
    }

    private static byte[] concat(byte[]... parts) {
        return EventStreamReaderTest.bytes((Object[]) parts);
    }
}
