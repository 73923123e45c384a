package dev.ssejaxrs.demo;

import static dev.ssejaxrs.test.RawClient.exchangeHead;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.test.RawClient;

/**
 * The demo at the edges of a stream's life, on raw sockets: HEAD requests, clients that leave before the first
 * byte, large request heads and {@code /echo}'s empty parameters. After each, {@code /stats} must show that nothing
 * is left: no open stream, no scheduled ping, no registry subscriber.
 */
class DemoEdgesTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static DemoServer demo;

    @BeforeAll
    static void start() throws IOException {
        demo = DemoServer.start(0);
    }

    @AfterAll
    static void stop() {
        demo.close();
    }

    private static Socket connect() throws IOException {
        return RawClient.connect(demo.port(), WAIT);
    }

    /** One request on a fresh connection; the whole response as text (the server closes or sets a length). */
    private static String exchange(String request) throws IOException {
        try (Socket socket = connect()) {
            String head = exchangeHead(socket, request);
            String length = header(head, "Content-Length");
            byte[] body = length != null ? socket.getInputStream().readNBytes(Integer.parseInt(length))
                    : socket.getInputStream().readAllBytes();
            return head + new String(body, StandardCharsets.UTF_8);
        }
    }

    private static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                return line.substring(name.length() + 1).trim();
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stats() throws IOException {
        String response = exchange("GET /stats HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        return (Map<String, Object>) JsonErrors.parse(response.substring(response.indexOf("\r\n\r\n") + 4));
    }

    @SuppressWarnings("unchecked")
    private static int subscribers(Map<String, Object> stats) {
        return ((Number) ((Map<String, Object>) stats.get("registry")).get("subscribers")).intValue();
    }

    private static void assertNothingLeft(String topic) {
        await().atMost(WAIT).untilAsserted(() -> {
            Map<String, Object> stats = stats();
            assertEquals(0, ((Number) stats.get("activeStreams")).intValue(), "open streams: " + stats);
            assertEquals(0, ((Number) stats.get("scheduledPings")).intValue(), "scheduled pings: " + stats);
            assertEquals(0, subscribers(stats), "registry subscribers (of " + topic + " and any other): " + stats);
        });
    }

    private static int threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    /** Sends {@code total} HEAD requests over a few keep-alive connections; returns how many were answered. */
    private static int heads(List<String> paths, int total) throws Exception {
        int connections = 4;
        ExecutorService clients = Executors.newFixedThreadPool(connections);
        try {
            List<Future<Integer>> answered = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                int first = c;
                answered.add(clients.submit(() -> {
                    int ok = 0;
                    Socket socket = connect();
                    try {
                        for (int i = first; i < total; i += connections) {
                            String path = paths.get(i % paths.size());
                            String head = exchangeHead(socket, "HEAD " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                            assertTrue(head.startsWith("HTTP/1.1 200 "), path + ": " + head);
                            assertTrue(head.contains("Content-Type: text/event-stream;charset=UTF-8\r\n"), head);
                            ok++;
                            if ("close".equals(header(head, "Connection"))) {
                                socket.close(); // Grizzly ends a keep-alive connection after 256 requests
                                socket = connect();
                            }
                        }
                    } finally {
                        socket.close();
                    }
                    return ok;
                }));
            }
            int sum = 0;
            for (Future<Integer> f : answered) {
                sum += f.get();
            }
            return sum;
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void head_thousandsOfTimes_answersEachAtOnce_andLeavesNothingBehind() throws Exception {
        List<String> paths = List.of("/endless", "/numbers", "/topics/head-x");
        heads(paths, 60); // warm up: the writer, scheduler and Grizzly worker threads exist from now on
        int threadsBefore = threads();
        long start = System.nanoTime();
        assertEquals(3000, heads(paths, 3000), "every HEAD answered");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertNothingLeft("head-x");
        int pool = Math.max(2, Runtime.getRuntime().availableProcessors());
        int threadsAfter = threads();
        assertTrue(threadsAfter <= threadsBefore + pool, "threads grew from " + threadsBefore + " to " + threadsAfter);
        System.out.println("3000 HEAD requests (1000 each on /endless, /numbers, /topics/head-x) in " + millis
                + " ms; threads " + threadsBefore + " -> " + threadsAfter + "; stats after: " + stats());
    }

    @Test
    void clientsThatResetBeforeReadingAnything_leaveNoSubscriberStreamOrPing() throws Exception {
        for (int i = 0; i < 1000; i++) {
            try (Socket socket = connect()) {
                socket.getOutputStream().write("GET /topics/reset-x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                socket.setSoLinger(true, 0); // reset at once, before the response arrives
            }
        }
        assertNothingLeft("reset-x");
        System.out.println("1000 clients reset before reading /topics/reset-x; stats after: " + stats());
    }

    @Test
    void echo_usesAGivenEmptyParameterAsGiven() throws IOException {
        assertEquals("data: \r\n\r\n", body("/echo?data="));
        assertEquals("id: \r\ndata: x\r\n\r\n", body("/echo?data=x&id="));
        assertEquals("event: \r\ndata: \r\n\r\n", body("/echo?event=&data="));
        String badRetry = exchange("GET /echo?retry= HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertTrue(badRetry.startsWith("HTTP/1.1 400 ") && badRetry.contains("retry"), badRetry);
    }

    @Test
    void echo_carriesSevenKiBOfMultiLineDataInItsQueryString() throws IOException {
        StringBuilder data = new StringBuilder();
        for (int i = 0; data.length() < 7 * 1024; i++) {
            data.append(i == 0 ? "" : "\n").append("line ").append(i).append(' ').append("z".repeat(60));
        }
        String body = body("/echo?data=" + URLEncoder.encode(data.toString(), StandardCharsets.UTF_8));
        assertEquals("data: " + data.toString().replace("\n", "\r\ndata: ") + "\r\n\r\n", body);
    }

    @Test
    void requestHeadsUpTo64KiB_areAccepted_andLargerOnesAnswered414Or431() throws IOException {
        String filler = "y".repeat(60 * 1024);
        assertEquals("data: " + filler + "\r\n\r\n", body("/echo?data=" + filler));
        String manyHeaders = "X-Filler: " + "h".repeat(1000) + "\r\n";
        String accepted = exchange("GET /echo?data=ok HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + manyHeaders.repeat(60) + "\r\n");
        assertTrue(accepted.startsWith("HTTP/1.1 200 "), accepted.substring(0, 40));

        String longLine = exchange("GET /echo?data=" + "y".repeat(70 * 1024) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertTrue(longLine.startsWith("HTTP/1.1 414 "), longLine.substring(0, Math.min(200, longLine.length())));
        assertTrue(longLine.contains("{\"error\":\"request line too long"), longLine);

        String bigHeaders = exchange("GET /echo?data=ok HTTP/1.1\r\nHost: 127.0.0.1\r\n" + manyHeaders.repeat(70)
                + "\r\n");
        assertTrue(bigHeaders.startsWith("HTTP/1.1 431 "), bigHeaders.substring(0, Math.min(200, bigHeaders.length())));
        assertTrue(bigHeaders.contains("{\"error\":\"request headers too large"), bigHeaders);
    }

    /** The body of a GET on a fresh HTTP/1.0 connection (unchunked, ends when the server closes). */
    private static String body(String pathAndQuery) throws IOException {
        String response = exchange("GET " + pathAndQuery + " HTTP/1.0\r\n\r\n");
        assertTrue(response.startsWith("HTTP/1.0 200 "), response.substring(0, Math.min(300, response.length())));
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }
}
