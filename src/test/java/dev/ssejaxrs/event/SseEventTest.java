package dev.ssejaxrs.event;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SseEventTest {

    private static String crlf(SseEvent e) {
        return new String(e.encode(LineSeparator.CRLF), StandardCharsets.UTF_8);
    }

    @Test
    void plainData_isOneDataLineAndBlankLine() {
        assertEquals("data: 1\r\n\r\n", crlf(SseEvent.of("1")));
    }

    @Test
    void fields_areWrittenInOrderCommentIdEventDataRetry() {
        SseEvent e = SseEvent.builder().retry(Duration.ofMillis(1)).data("foo").event("bar").id("xyz")
                .comment("c").build();
        assertEquals(": c\r\nid: xyz\r\nevent: bar\r\ndata: foo\r\nretry: 1\r\n\r\n", crlf(e));
    }

    @Test
    void eventName_isWrittenBeforeData() {
        assertEquals("event: message\r\ndata: 1\r\n\r\n",
                crlf(SseEvent.builder().event("message").data("1").build()));
    }

    @Test
    void commentOnly_andCommentWithData() {
        assertEquals(": a comment\r\n\r\n", crlf(SseEvent.comment("a comment")));
        assertEquals(": a comment\r\ndata: foo\r\n\r\n",
                crlf(SseEvent.builder().comment("a comment").data("foo").build()));
    }

    @Test
    void multiLineComment_isOneCommentLinePerLine() {
        assertEquals(": a\r\n: b\r\n: c\r\n\r\n", crlf(SseEvent.comment("a\nb\r\nc")));
    }

    @ParameterizedTest(name = "data {0} with separator {1}")
    @CsvSource({
        "LF,CRLF", "CR,CRLF", "CRLF,CRLF",
        "LF,LF", "CR,LF", "CRLF,LF",
        "LF,CR", "CR,CR", "CRLF,CR"})
    void multiLineData_isOneDataLinePerSegment_forEveryLineEndAndSeparator(String inData, String separator) {
        String lineEnd = LineSeparator.valueOf(inData).text();
        LineSeparator sep = LineSeparator.valueOf(separator);
        String s = sep.text();
        SseEvent e = SseEvent.of("first" + lineEnd + "second" + lineEnd + "third");
        assertEquals("data: first" + s + "data: second" + s + "data: third" + s + s,
                new String(e.encode(sep), StandardCharsets.UTF_8));
    }

    @Test
    void separator_isUsedOnEveryLineAndTheBlankLine() {
        SseEvent e = SseEvent.builder().id("1").event("e").data("d").retry(Duration.ofSeconds(2)).build();
        assertEquals("id: 1\nevent: e\ndata: d\nretry: 2000\n\n",
                new String(e.encode(LineSeparator.LF), StandardCharsets.UTF_8));
        assertEquals("id: 1\revent: e\rdata: d\rretry: 2000\r\r",
                new String(e.encode(LineSeparator.CR), StandardCharsets.UTF_8));
    }

    @Test
    void invalidSeparator_isRejectedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LineSeparator.of("\t"));
        assertTrue(e.getMessage().contains("\\u0009") || e.getMessage().contains("separator"), e.getMessage());
        assertEquals(LineSeparator.LF, LineSeparator.of("\n"));
        assertEquals(LineSeparator.CRLF, LineSeparator.of("\r\n"));
        assertEquals(LineSeparator.CR, LineSeparator.of("\r"));
    }

    @Test
    void emptyData_isSentSoTheClientDispatchesIt() {
        assertEquals("data: \r\n\r\n", crlf(SseEvent.of("")));
    }

    @Test
    void trailingNewline_survivesAsAnEmptyLastDataLine() {
        assertEquals("data: a\r\ndata: \r\n\r\n", crlf(SseEvent.of("a\n")));
    }

    @Test
    void idOnly_andRetryOnly_areAllowed() {
        assertEquals("id: 7\r\n\r\n", crlf(SseEvent.builder().id("7").build()));
        assertEquals("retry: 3000\r\n\r\n", crlf(SseEvent.builder().retry(Duration.ofSeconds(3)).build()));
    }

    @Test
    void json_isCompactAndKeepsUnicodeAsUtf8() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("foo", "bar");
        value.put("name", "Zoë ✓ 😀");
        assertEquals("data: {\"foo\":\"bar\",\"name\":\"Zoë ✓ 😀\"}\r\n\r\n", crlf(SseEvent.json(value)));
    }

    @Test
    void json_keepsItsValue_andAJsonWriterWritesItOnce_keepingTheOtherFields() {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        java.util.function.Function<Object, String> writer = value -> "{\"written\":" + calls.incrementAndGet() + "}";
        SseEvent event = SseEvent.builder().event("order").id("7").jsonData(Map.of("a", 1)).build();

        SseEvent written = event.withJsonWrittenBy(writer);
        assertSame(written, event.withJsonWrittenBy(writer), "written once per writer");
        assertEquals(1, calls.get());
        assertEquals("id: 7\r\nevent: order\r\ndata: {\"written\":1}\r\n\r\n", crlf(written));
        assertEquals("{\"a\":1}", event.data(), "outside an application, JSON-B writes it");
        SseEvent text = SseEvent.of("x");
        assertSame(text, text.withJsonWrittenBy(writer), "an event without JSON data is itself");
        assertEquals(1, calls.get());
    }

    @Test
    void json_equalsByValue_andDataOrJsonDataReplaceEachOther() {
        assertEquals(SseEvent.json(Map.of("a", 1)), SseEvent.json(Map.of("a", 1)));
        assertEquals(SseEvent.json(Map.of("a", 1)).hashCode(), SseEvent.json(Map.of("a", 1)).hashCode());
        assertTrue(!SseEvent.json(Map.of("a", 1)).equals(SseEvent.of("{\"a\":1}")), "not written yet");
        assertEquals("data: plain\r\n\r\n", crlf(SseEvent.json(Map.of("a", 1)).toBuilder().data("plain").build()));
        assertEquals("data: null\r\n\r\n", crlf(SseEvent.json(null)));
        assertEquals("id: 1\r\ndata: {\"a\":1}\r\n\r\n", crlf(SseEvent.json(Map.of("a", 1)).withId("1")));
        assertThrows(IllegalStateException.class, () -> SseEvent.json(1).withJsonWrittenBy(value -> null));
    }

    @Test
    void crOrLfInEventName_isRejectedNamingTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SseEvent.builder().event("a\nb"));
        assertTrue(e.getMessage().contains("event"), e.getMessage());
        assertTrue(e.getMessage().contains("\\n"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SseEvent.builder().event("a\rb"));
    }

    @Test
    void crLfOrNulInId_isRejectedNamingTheField() {
        for (String bad : new String[] {"a\nb", "a\rb", "a\0b"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SseEvent.builder().id(bad));
            assertTrue(e.getMessage().contains("id"), e.getMessage());
        }
    }

    @Test
    void negativeRetry_isRejectedNamingTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SseEvent.builder().retry(Duration.ofMillis(-1)));
        assertTrue(e.getMessage().contains("retry"), e.getMessage());
    }

    @Test
    void encoding_isMadeOnceAndCopiedOut() throws IOException {
        SseEvent e = SseEvent.of("x");
        byte[] a = e.encode(LineSeparator.CRLF);
        byte[] b = e.encode(LineSeparator.CRLF);
        assertNotSame(a, b);
        assertArrayEquals(a, b);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        e.writeTo(out, LineSeparator.CRLF);
        assertArrayEquals(a, out.toByteArray());
        assertEquals(a.length, e.encodedLength(LineSeparator.CRLF));
    }

    @Test
    void valueSemantics_andCopies() {
        SseEvent e = SseEvent.builder().id("1").data("d").build();
        assertEquals(e, SseEvent.builder().id("1").data("d").build());
        assertEquals("2", e.withId("2").id());
        assertEquals("d", e.withId("2").data());
        assertSame("d", e.toBuilder().build().data());
    }
}
