package dev.ssejaxrs.stream;

import dev.ssejaxrs.test.RawClient;
import dev.ssejaxrs.test.TestServer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;


import org.glassfish.jersey.message.GZipEncoder;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.filter.EncodingFilter;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.event.LineSeparator;
import dev.ssejaxrs.event.SseEvent;

/** What a client receives, byte for byte, and which headers come with it. */
class FramingAndHeadersTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static String bodyOf(Object stream) {
        try (TestServer server = Endpoints.serving(() -> stream); RawClient client = server.get("/s")) {
            assertEquals(200, client.status());
            return client.readToEnd(WAIT);
        }
    }

    @Test
    void returnedStream_writesEachItemAsExactFrames() {
        String body = bodyOf(EventStream.of(List.of(
                "1",
                SseEvent.builder().id("xyz").event("bar").data("foo").retry(Duration.ofMillis(1)).build(),
                SseEvent.comment("a comment"),
                Map.of("foo", "bar"),
                "Zoë ✓ 😀",
                "",
                "a\n",
                ":raw: bytes untouched\n\n".getBytes(StandardCharsets.UTF_8))));
        assertEquals("data: 1\r\n\r\n"
                + "id: xyz\r\nevent: bar\r\ndata: foo\r\nretry: 1\r\n\r\n"
                + ": a comment\r\n\r\n"
                + "data: {\"foo\":\"bar\"}\r\n\r\n"
                + "data: Zoë ✓ 😀\r\n\r\n"
                + "data: \r\n\r\n"
                + "data: a\r\ndata: \r\n\r\n"
                + ":raw: bytes untouched\n\n", body);
    }

    @Test
    void lineSeparatorOption_isUsedOnEveryLine() {
        StreamOptions lf = StreamOptions.builder().lineSeparator(LineSeparator.LF).build();
        assertEquals("event: e\ndata: a\ndata: b\n\n",
                bodyOf(EventStream.of(List.of(SseEvent.builder().event("e").data("a\r\nb").build()), lf)));
        StreamOptions cr = StreamOptions.builder().lineSeparator(LineSeparator.CR).build();
        assertEquals("data: a\rdata: b\r\r", bodyOf(EventStream.of(List.of("a\nb"), cr)));
    }

    @Test
    void returnedPublisher_isStreamedToo() throws InterruptedException {
        ProbePublisher publisher = new ProbePublisher();
        try (TestServer server = Endpoints.serving(() -> publisher); RawClient client = server.get("/s")) {
            assertEquals("text/event-stream;charset=UTF-8", client.header("Content-Type"));
            publisher.awaitSubscribed();
            assertTrue(publisher.emit("x"));
            client.readUntil("data: x\r\n\r\n", WAIT);
            publisher.complete();
            assertEquals("data: x\r\n\r\n", client.readToEnd(WAIT));
        }
    }

    @Test
    void sinkRoute_opensWithAnEmptyCommentThenExactFrames() {
        try (TestServer server = TestServer.start(new Endpoints.Sink(
                sink -> EventStream.of(List.of("a", SseEvent.builder().id("1").data("b").build())).sendTo(sink)));
                RawClient client = server.get("/sink")) {
            assertEquals("text/event-stream;charset=UTF-8", client.header("Content-Type"));
            assertEquals(":\r\ndata: a\r\n\r\nid: 1\r\ndata: b\r\n\r\n", client.readToEnd(WAIT));
        }
        try (TestServer server = TestServer.start(new Endpoints.Sink(sink -> EventStream.of(List.of("a"),
                StreamOptions.builder().lineSeparator(LineSeparator.LF).build()).sendTo(sink)));
                RawClient client = server.get("/sink")) {
            assertEquals(":\ndata: a\n\n", client.readToEnd(WAIT));
        }
    }

    @Test
    void headers_areSetOnceAndLeaveBeforeTheFirstEvent() {
        ProbePublisher silent = new ProbePublisher(); // never emits: the headers must not wait for an event
        try (TestServer server = Endpoints.serving(() -> EventStream.of(silent));
                RawClient client = server.get("/s")) {
            assertEquals(200, client.status());
            assertEquals(List.of("text/event-stream;charset=UTF-8"), client.headers("Content-Type"));
            assertEquals(List.of("no-store"), client.headers("Cache-Control"));
            assertEquals(List.of("no"), client.headers("X-Accel-Buffering"));
            assertEquals("chunked", client.header("Transfer-Encoding"));
            assertNull(client.header("Content-Encoding"));
        }
    }

    @Test
    void userHeadersAndStatus_passExceptBufferingAndConnection() {
        StreamOptions options = StreamOptions.builder()
                .status(201)
                .header("Cache-Control", "no-cache, private")
                .header("X-Accel-Buffering", "yes")
                .header("Connection", "close")
                .header("X-Custom", "kept")
                .build();
        try (TestServer server = Endpoints.serving(() -> EventStream.of(List.of("a"), options));
                RawClient client = server.get("/s")) {
            assertEquals("HTTP/1.1 201 Created", client.statusLine()); // the container's own reason phrase
            assertEquals(List.of("no-cache, private"), client.headers("Cache-Control"));
            assertEquals(List.of("no"), client.headers("X-Accel-Buffering"));
            assertEquals(List.of("kept"), client.headers("X-Custom"));
            assertTrue(client.headers("Connection").stream().noneMatch(v -> v.equalsIgnoreCase("close")),
                    "Connection: " + client.headers("Connection"));
            assertEquals("data: a\r\n\r\n", client.readToEnd(WAIT));
        }
    }

    @Test
    void sinkRoute_honoursStatusAndHeadersToo() {
        StreamOptions options = StreamOptions.builder().status(202).header("X-Custom", "sink").build();
        try (TestServer server = TestServer.start(new Endpoints.Sink(
                sink -> EventStream.of(List.of("a"), options).sendTo(sink)));
                RawClient client = server.get("/sink")) {
            assertEquals(202, client.status());
            assertEquals(List.of("sink"), client.headers("X-Custom"));
            assertEquals(":\r\ndata: a\r\n\r\n", client.readToEnd(WAIT));
        }
    }

    @Test
    void gzipEncodingFilter_doesNotCompressOrHoldBackEvents() {
        ProbePublisher publisher = new ProbePublisher();
        ResourceConfig app = new ResourceConfig()
                .register(new Endpoints.Returning(() -> EventStream.of(publisher)));
        EncodingFilter.enableFor(app, GZipEncoder.class);
        try (TestServer server = TestServer.start(app);
                RawClient client = server.get("/s", "Accept-Encoding: gzip")) {
            assertNull(client.header("Content-Encoding"));
            publisher.awaitSubscribed();
            assertTrue(publisher.emit("first"));
            // arrives while the stream is still open: nothing buffers it
            assertEquals("data: first\r\n\r\n", client.readUntil("data: first\r\n\r\n", WAIT));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void invalidOptions_failFastNamingTheOption() {
        assertMessage("pingInterval", () -> StreamOptions.builder().pingInterval(Duration.ofMillis(-1)));
        assertMessage("sendTimeout", () -> StreamOptions.builder().sendTimeout(Duration.ofSeconds(-1)));
        assertMessage("shutdownGracePeriod", () -> StreamOptions.builder().shutdownGracePeriod(Duration.ofSeconds(-1)));
        assertMessage("status", () -> StreamOptions.builder().status(500));
        assertMessage("X-Bad", () -> StreamOptions.builder().header("X-Bad", "a\r\nInjected: 1"));
        assertMessage("Content-Type", () -> StreamOptions.builder().header("Content-Type", "text/plain"));
        assertEquals(Duration.ofSeconds(15), StreamOptions.defaults().pingInterval());
        assertEquals(LineSeparator.CRLF, StreamOptions.defaults().lineSeparator());
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                call);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

}
