package dev.ssejaxrs.demo;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.ssejaxrs.testing.EventStreamClient;
import dev.ssejaxrs.testing.OpenEventStream;
import dev.ssejaxrs.testing.ReceivedEvent;

/** The demo server's core endpoints, over real HTTP, as the demo contract describes them. */
class DemoServerTest {
    private static DemoServer demo;
    private static HttpClient http;

    @BeforeAll
    static void start() throws IOException {
        demo = DemoServer.start(0);
        // HTTP/1.1: the JDK client's default h2c upgrade request makes Grizzly drop Content-Type (see README)
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        demo.close();
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(request(path), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demo.port() + path))
                .timeout(Duration.ofSeconds(20)).build();
    }

    /** Reads from {@code in} until {@code text} has arrived; returns everything read. */
    private static String readUntil(InputStream in, String text) throws IOException {
        StringBuilder sb = new StringBuilder();
        byte[] buf = new byte[1024];
        while (!sb.toString().contains(text)) {
            int n = in.read(buf);
            if (n < 0) {
                throw new AssertionError("ended before " + text + ": " + sb);
            }
            sb.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    private static int activeStreams() throws IOException, InterruptedException {
        String body = get("/stats").body();
        return Integer.parseInt(body.replaceAll(".*\"activeStreams\":(\\d+).*", "$1"));
    }

    @Test
    void numbers_streamsEachNumberAndEnds() throws IOException, InterruptedException {
        HttpResponse<String> response = get("/numbers?from=3&to=5&delayMs=20");
        assertEquals(200, response.statusCode());
        assertEquals("text/event-stream;charset=UTF-8", response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElseThrow());
        assertEquals("no", response.headers().firstValue("X-Accel-Buffering").orElseThrow());
        assertEquals("data: 3\r\n\r\ndata: 4\r\n\r\ndata: 5\r\n\r\n", response.body());
    }

    @Test
    void numbers_arriveOneByOne() throws IOException, InterruptedException {
        HttpResponse<InputStream> response = http.send(request("/numbers?from=1&to=2&delayMs=3000"),
                HttpResponse.BodyHandlers.ofInputStream());
        long start = System.nanoTime();
        try (InputStream in = response.body()) {
            assertEquals("data: 1\r\n\r\n", readUntil(in, "\r\n\r\n"));
            assertTrue(System.nanoTime() - start < Duration.ofMillis(2500).toNanos(), "first number came at once");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "/numbers?from=x|from",
        "/numbers?to=1.5|to",
        "/numbers?delayMs=-1|delayMs",
        "/numbers?from=9&to=2|from must not be greater than to",
        "/echo?id=a%0Ab|id",
        "/echo?id=a%00b|id",
        "/echo?event=a%0Db|event",
        "/echo?retry=-5|retry",
        "/echo?retry=1.5|retry",
        "/bench/stream?n=abc|n"})
    void invalidInput_is400WithJsonNamingTheParameter(String path, String named)
            throws IOException, InterruptedException {
        HttpResponse<String> response = get(path);
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
        assertTrue(response.body().startsWith("{\"error\":\"" + named), response.body());
    }

    @Test
    void emptyParameter_countsAsAbsent() throws IOException, InterruptedException {
        assertEquals("data: 1\r\n\r\ndata: 2\r\n\r\n", get("/numbers?from=&to=2&delayMs=").body().substring(0, 22));
    }

    @Test
    void echo_sendsExactlyTheEventOfTheParameters() throws IOException, InterruptedException {
        assertEquals(": hi\r\nid: 7\r\nevent: greeting\r\ndata: line 1\r\ndata: line 2\r\nretry: 2500\r\n\r\n",
                get("/echo?data=line%201%0Aline%202&event=greeting&id=7&retry=2500&comment=hi").body());
    }

    @Test
    void benchStream_sendsNumberedEventsOfTheGivenSize() throws IOException, InterruptedException {
        assertEquals("id: 1\r\ndata: xxx\r\n\r\nid: 2\r\ndata: xxx\r\n\r\n", get("/bench/stream?n=2&size=3").body());
    }

    @Test
    void endless_stopsWhenTheClientLeaves_andStatsCountsOpenStreams() throws IOException, InterruptedException {
        HttpResponse<InputStream> response = http.send(request("/endless"),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            assertTrue(readUntil(in, "data: 3\r\n\r\n").startsWith("data: 1\r\n\r\ndata: 2\r\n\r\n"));
            assertEquals(1, activeStreams());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> activeStreams() == 0);
    }

    @Test
    void stream_sendsFiveUpdatesThenAPingThenEnds() {
        Client client = ClientBuilder.newClient();
        try (OpenEventStream stream = EventStreamClient.open(
                client.target("http://127.0.0.1:" + demo.port() + "/stream"))) {
            List<ReceivedEvent> updates = stream.collect(5, Duration.ofSeconds(10));
            for (int i = 1; i <= 5; i++) {
                ReceivedEvent update = updates.get(i - 1);
                assertEquals("update", update.type());
                assertEquals(Integer.toString(i), update.lastEventId());
                assertTrue(update.data().matches("Update " + i + "\nTime: \\d\\d:\\d\\d:\\d\\d"), update.data());
            }
            assertTrue(stream.awaitComment(c -> c.startsWith("ping - "), Duration.ofSeconds(6)).length() > 7);
            stream.awaitEnd(Duration.ofSeconds(5));
        } finally {
            client.close();
        }
    }

    @Test
    void port_comesFromTheArgumentThenTheEnvironmentThenDefaults() {
        assertEquals(9001, DemoServer.port(new String[] {"--port", "9001"}));
        assertEquals(9002, DemoServer.port(new String[] {"--port=9002"}));
        if (System.getenv("PORT") == null) {
            assertEquals(8080, DemoServer.port(new String[0]));
        }
        assertThrows(IllegalArgumentException.class, () -> DemoServer.port(new String[] {"--port", "http"}));
    }
}
