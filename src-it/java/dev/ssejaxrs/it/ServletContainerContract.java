package dev.ssejaxrs.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.ssejaxrs.test.RawClient;

/**
 * What every servlet container must do with the sample WAR ({@code src-it/webapp}), over real HTTP. It has three
 * Jersey applications: {@code /auto} gets sse-jaxrs through auto-discovery only, {@code /explicit} has
 * auto-discovery off and registers {@code EventStreamFeature}, {@code /unregistered} has it off and registers nothing.
 * A subclass starts one container for all of its tests and ends with the container's shutdown test (ordered last).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class ServletContainerContract {
    static final Duration WAIT = Duration.ofSeconds(10);
    static final String FAREWELL = "event: shutdown\r\ndata: bye\r\n\r\n";
    private static final String HELLO = "data: hello\r\n\r\n";

    /** The HTTP port of the running container. */
    abstract int port();

    /** The sample WAR's context path, such as {@code /sse-sample}. */
    abstract String contextPath();

    RawClient get(String path) {
        return RawClient.get(port(), contextPath() + path, WAIT);
    }

    /** Opens {@code /endless} of {@code app} (pings every 200 ms) and reads its first event. */
    RawClient openEndless(String app) {
        return openEndless(app, "");
    }

    RawClient openEndless(String app, String query) {
        RawClient client = get("/" + app + "/endless" + query);
        assertEquals(200, client.status(), client.head());
        client.readUntil(HELLO, WAIT);
        return client;
    }

    int activeStreams(String app) {
        return number(stats(app), "activeStreams");
    }

    int closed(String app, String reason) {
        return number(stats(app), reason);
    }

    String stats(String app) {
        try (RawClient stats = get("/" + app + "/stats")) {
            assertEquals(200, stats.status(), stats.head());
            return stats.readToEnd(WAIT);
        }
    }

    static int number(String json, String member) {
        Matcher m = Pattern.compile("\"" + member + "\":(\\d+)").matcher(json);
        assertTrue(m.find(), member + " in " + json);
        return Integer.parseInt(m.group(1));
    }

    private static void assertEventStreamHeaders(RawClient client) {
        assertEquals(200, client.status(), client.head());
        assertEquals("text/event-stream;charset=UTF-8", client.header("Content-Type"), client.head());
        assertEquals("no-store", client.header("Cache-Control"), client.head());
        assertEquals("no", client.header("X-Accel-Buffering"), client.head());
        assertEquals("chunked", client.header("Transfer-Encoding"), client.head());
        assertNull(client.header("Content-Encoding"), client.head());
    }

    /** The first event is due 2 s after the request: the head must not wait for it (nor be sent with it). */
    @Test
    void headersLeaveAtOnce_beforeADelayedFirstEvent() {
        try (RawClient client = get("/auto/numbers?count=2&firstDelayMs=2000&delayMs=0")) {
            assertEventStreamHeaders(client);
            client.readUntil("data: 1\r\n\r\n", WAIT);
            assertHeldBack("the first event", client.elapsed(), "the head", client.headAfter());
            assertEquals("data: 1\r\n\r\ndata: 2\r\n\r\n", client.readToEnd(WAIT));
        }
    }

    private static void assertHeldBack(String later, Duration laterAt, String earlier, Duration earlierAt) {
        long gap = laterAt.minus(earlierAt).toMillis();
        assertTrue(gap >= 1000, earlier + " came at " + earlierAt.toMillis() + " ms, " + later + " at "
                + laterAt.toMillis() + " ms: expected them about 2 s apart");
    }

    @Test
    void eventsArriveOneByOne_notWhenTheStreamEnds() {
        int completedBefore = closed("auto", "COMPLETED");
        try (RawClient client = get("/auto/numbers?count=4&delayMs=500")) {
            assertEventStreamHeaders(client);
            String first = client.readUntil("data: 1\r\n\r\n", WAIT);
            long firstAt = client.elapsed().toMillis();
            assertEquals("data: 1\r\n\r\n", first, "only the first event is out yet");
            assertFalse(client.ended());
            assertEquals("data: 1\r\n\r\ndata: 2\r\n\r\ndata: 3\r\n\r\ndata: 4\r\n\r\n", client.readToEnd(WAIT));
            long restTook = client.elapsed().toMillis() - firstAt;
            assertTrue(restTook >= 1200, "events 2 to 4 came " + restTook + " ms after the first, expected ~1500");
            assertTrue(client.endedCleanly(), "the response ended with its terminating chunk");
        }
        await().atMost(WAIT).until(() -> activeStreams("auto") == 0 && closed("auto", "COMPLETED") > completedBefore);
    }

    /**
     * A returned stream that ends at once may end before Jersey has suspended the request: the response must end all
     * the same, every time, not when the container's async timeout strikes.
     */
    @Test
    void shortStreams_alwaysEnd() {
        for (int i = 0; i < 25; i++) {
            try (RawClient client = get("/auto/numbers?count=3&firstDelayMs=0&delayMs=0")) {
                assertEquals(200, client.status(), client.head());
                assertEquals("data: 1\r\n\r\ndata: 2\r\n\r\ndata: 3\r\n\r\n", client.readToEnd(WAIT), "round " + i);
                assertTrue(client.endedCleanly(), "round " + i + ": the response ended with its terminating chunk");
            }
        }
    }

    @Test
    void sinkRoute_sendsHeadersAtOnce_andStreamsIncrementally() {
        try (RawClient client = get("/auto/sink-numbers?count=3&firstDelayMs=2000&delayMs=300")) {
            assertEventStreamHeaders(client);
            assertEquals(":\r\n", client.readUntil(":\r\n", WAIT), "an empty comment line carries the headers");
            Duration commentAt = client.elapsed();
            assertEquals(":\r\ndata: 1\r\n\r\n", client.readUntil("data: 1\r\n\r\n", WAIT));
            assertHeldBack("the first event", client.elapsed(), "the comment", commentAt);
            assertEquals(":\r\ndata: 1\r\n\r\ndata: 2\r\n\r\ndata: 3\r\n\r\n", client.readToEnd(WAIT));
        }
        await().atMost(WAIT).until(() -> activeStreams("auto") == 0);
    }

    @Test
    void explicitRegistration_withAutoDiscoveryOff_streams() {
        int completedBefore = closed("explicit", "COMPLETED");
        try (RawClient client = get("/explicit/numbers?count=3&delayMs=0")) {
            assertEventStreamHeaders(client);
            assertEquals("data: 1\r\n\r\ndata: 2\r\n\r\ndata: 3\r\n\r\n", client.readToEnd(WAIT));
        }
        await().atMost(WAIT)
                .until(() -> activeStreams("explicit") == 0 && closed("explicit", "COMPLETED") > completedBefore);
    }

    @Test
    void noRegistration_withAutoDiscoveryOff_doesNotStream() {
        try (RawClient client = get("/unregistered/numbers")) {
            assertNotEquals(200, client.status(), client.head());
            assertNotEquals("text/event-stream;charset=UTF-8", client.header("Content-Type"), client.head());
        }
    }

    @Test
    void idleStream_getsPings() {
        try (RawClient client = openEndless("auto")) {
            String pings = client.readUntil(": ping", 3, Duration.ofSeconds(3));
            assertTrue(pings.matches("(?s)data: hello\r\n\r\n(: ping - [^\r\n]+\r\n\r\n)+.*"), RawClient.show(pings));
        }
        await().atMost(WAIT).until(() -> activeStreams("auto") == 0);
    }

    /**
     * A container may notice a client that left before the stream does, end the request and hand its response
     * objects to the next request: the stream must never write into that one.
     */
    @Test
    void clientThatLeaves_neverDisturbsTheNextRequest() {
        for (int i = 0; i < 12; i++) {
            try (RawClient leaving = openEndless("auto")) {
                leaving.readUntil(": ping", WAIT);
            }
            try (RawClient next = openEndless("auto")) {
                String body = next.readUntil(": ping", 2, WAIT);
                assertTrue(body.startsWith(HELLO), "round " + i + ": " + RawClient.show(body));
            }
        }
        await().atMost(WAIT).until(() -> activeStreams("auto") == 0);
    }

    /** HEAD gets the head a GET would get, at once and without a body; the connection serves the next request. */
    @Test
    void head_isAnsweredAtOnce_withoutOpeningAStream() throws Exception {
        int notOpenedBefore = closed("auto", "NOT_OPENED");
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            for (String path : List.of("/auto/endless", "/auto/numbers", "/auto/sink-numbers")) {
                String head = exchangeHead(socket, "HEAD " + contextPath() + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                assertTrue(head.startsWith("HTTP/1.1 200"), path + ": " + head);
                assertTrue(head.contains("text/event-stream"), path + ": " + head);
            }
            String next = exchangeHead(socket, "GET " + contextPath() + "/auto/stats HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertTrue(next.startsWith("HTTP/1.1 200"), next);
        }
        await().atMost(WAIT).until(() -> activeStreams("auto") == 0
                && closed("auto", "NOT_OPENED") >= notOpenedBefore + 3);
    }

    /** HTTP/1.0 knows no chunked framing: the events come as they are, and the body ends with the connection. */
    @Test
    void http10_getsTheEventsUnchunked_untilTheConnectionCloses() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            socket.getOutputStream().write(("GET " + contextPath() + "/auto/numbers?count=3&delayMs=0 HTTP/1.0\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            String head = response.substring(0, response.indexOf("\r\n\r\n") + 4);
            assertTrue(head.matches("(?s)HTTP/1\\.[01] 200.*"), head);
            assertFalse(head.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding"), head);
            assertEquals("data: 1\r\n\r\ndata: 2\r\n\r\ndata: 3\r\n\r\n", response.substring(head.length()));
        }
    }

    private static String exchangeHead(java.net.Socket socket, String request) throws java.io.IOException {
        socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        java.io.InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new java.io.IOException("connection closed in the head: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    /**
     * A stream that ends before Jersey suspends the response must still end it at once, not when the container's
     * async timeout (one second on the test Tomcat) or never.
     */
    @Test
    void publisherThatCompletesAtOnce_endsTheResponseAtOnce() {
        int completedBefore = closed("auto", "COMPLETED");
        for (int i = 0; i < 20; i++) {
            try (RawClient client = get("/auto/at-once")) {
                assertEquals("data: at once\r\n\r\n", client.readToEnd(WAIT), "request " + i);
                assertTrue(client.endedCleanly(), "request " + i + " ended with its terminating chunk");
                assertTrue(client.elapsed().toMillis() < 900, "request " + i + " took " + client.elapsed());
            }
        }
        await().atMost(WAIT).until(() -> activeStreams("auto") == 0
                && closed("auto", "COMPLETED") >= completedBefore + 20);
    }

    /**
     * Twenty clients that stop reading (tiny receive buffers) and one that reads, on an application whose streams
     * are written by two threads: the reader gets every event within a second all along, while the send timeout
     * ends the frozen streams; then no thread is left inside a write, though the frozen clients are still there.
     */
    @Test
    void frozenClients_neverDelayAReadingOne_andAreEndedByTheSendTimeout() {
        int timeoutsBefore = closed("frozen", "SEND_TIMEOUT");
        List<RawClient> frozen = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                frozen.add(RawClient.request(port(), "GET", contextPath() + "/frozen/firehose?sendTimeoutMs=2000",
                        null, 2048));
            }
            try (RawClient reading = get("/frozen/firehose?size=1024&everyMs=100&sendTimeoutMs=2000")) {
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                int id = 0;
                int endedAt = -1;
                while (endedAt < 0 || id < endedAt + 10) {
                    id++;
                    reading.readUntil("id: " + id + "\r\n", Duration.ofSeconds(1)); // every event within a second
                    if (endedAt < 0 && id % 10 == 0 && closed("frozen", "SEND_TIMEOUT") >= timeoutsBefore + 20) {
                        endedAt = id;
                    }
                    assertTrue(System.nanoTime() < deadline, "the frozen streams were not all ended in 90 s: "
                            + stats("frozen"));
                }
            }
            await().atMost(WAIT).until(() -> number(stats("frozen"), "threadsInWrites") == 0);
        } finally {
            frozen.forEach(RawClient::close);
        }
        await().atMost(WAIT).until(() -> activeStreams("frozen") == 0);
    }

    /** A servlet without async support ends the response when the request returns; the stream must end too. */
    @Test
    void servletWithoutAsyncSupport_endsTheStream_andNeverDisturbsTheNextRequest() {
        int goneBefore = closed("sync", "CLIENT_GONE");
        for (int i = 0; i < 3; i++) {
            try (RawClient sync = get("/sync/endless")) {
                assertEquals(200, sync.status(), sync.head());
                assertEquals("", sync.readToEnd(WAIT), "round " + i);
            }
            try (RawClient next = openEndless("auto")) {
                String body = next.readUntil(": ping", 2, WAIT);
                assertTrue(body.startsWith(HELLO), "round " + i + ": " + RawClient.show(body));
            }
        }
        await().atMost(WAIT).until(() -> activeStreams("sync") == 0 && activeStreams("auto") == 0);
        assertEquals(goneBefore + 3, closed("sync", "CLIENT_GONE"));
    }

    @Test
    void clientsThatLeave_areNoticedByTheNextPing_andEveryStreamEnds() {
        int goneAutoBefore = closed("auto", "CLIENT_GONE");
        int goneExplicitBefore = closed("explicit", "CLIENT_GONE");
        List<RawClient> clients = new ArrayList<>();
        try {
            clients.add(openEndless("auto"));
            clients.add(openEndless("auto"));
            clients.add(openEndless("explicit"));
            // each application counts its own streams
            await().atMost(WAIT).until(() -> activeStreams("auto") == 2 && activeStreams("explicit") == 1);
        } finally {
            clients.forEach(RawClient::close);
        }
        long left = System.nanoTime();
        await().atMost(WAIT).until(() -> activeStreams("auto") == 0 && activeStreams("explicit") == 0);
        long noticedMillis = (System.nanoTime() - left) / 1_000_000;
        assertTrue(noticedMillis < 3000, "the streams ended " + noticedMillis + " ms after the clients left");
        assertEquals(goneAutoBefore + 2, closed("auto", "CLIENT_GONE"));
        assertEquals(goneExplicitBefore + 1, closed("explicit", "CLIENT_GONE"));
    }
}
