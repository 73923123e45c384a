package dev.ssejaxrs.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How {@link EventStreamClient} speaks HTTP/1.1, against a socket that answers with hand-written bytes. */
class HttpTransportTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private final Client client = ClientBuilder.newClient();

    @AfterEach
    void closeClient() {
        client.close();
    }

    @Test
    void sendsAGetForTheTargetsUri_withEventStreamHeaders() throws Exception {
        try (CannedServer server = new CannedServer("HTTP/1.1 204 No Content\r\n\r\n", true)) {
            try (OpenEventStream stream = EventStreamClient.open(
                    client.target(server.uri()).path("events").queryParam("topic", "a b"), "41")) {
                assertEquals(204, stream.status());
                stream.awaitEnd(WAIT);
            }
            List<String> head = List.of(server.requestHead().split("\r\n"));
            assertEquals("GET /events?topic=a+b HTTP/1.1", head.get(0));
            assertTrue(head.contains("Host: 127.0.0.1:" + server.port()), head.toString());
            assertTrue(head.contains("Accept: text/event-stream"), head.toString());
            assertTrue(head.contains("Cache-Control: no-cache"), head.toString());
            assertTrue(head.contains("Last-Event-ID: 41"), head.toString());
        }
    }

    @Test
    void extraHeadersReplaceDefaultsOfTheSameName() throws Exception {
        try (CannedServer server = new CannedServer("HTTP/1.1 204 No Content\r\n\r\n", true);
             OpenEventStream stream = EventStreamClient.open(client.target(server.uri()),
                     Map.of("accept", "text/plain", "Authorization", "Bearer t"))) {
            List<String> head = List.of(server.requestHead().split("\r\n"));
            assertTrue(head.contains("Accept: text/plain"), head.toString());
            assertTrue(head.contains("Authorization: Bearer t"), head.toString());
            assertEquals(1, head.stream().filter(h -> h.regionMatches(true, 0, "accept:", 0, 7)).count());
            assertEquals(204, stream.status());
        }
    }

    @Test
    void chunkedBody_withExtensionsAndTrailers_endsCleanly() throws Exception {
        String response = "HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\ndata:\r\n"
                + "6\r\n one\n\n\r\n"
                + "0\r\nX-Trailer: t\r\n\r\n";
        try (CannedServer server = new CannedServer(response, false);
             OpenEventStream stream = EventStreamClient.open(client.target(server.uri()))) {
            assertEquals(200, stream.status());
            assertEquals(ReceivedEvent.message("one"), stream.next(WAIT));
            stream.awaitEnd(WAIT);
        }
    }

    @Test
    void chunkedBody_cutShort_isNotACleanEnd() throws Exception {
        String response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "c\r\ndata: one\n\n\r\n"
                + "20\r\ndata: tw"; // the server goes away inside a chunk
        try (CannedServer server = new CannedServer(response, true);
             OpenEventStream stream = EventStreamClient.open(client.target(server.uri()))) {
            assertEquals("one", stream.next(WAIT).data());
            AssertionError error = assertThrows(AssertionError.class, () -> stream.awaitEnd(WAIT));
            assertTrue(error.getMessage().contains("cut short"), error.getMessage());
        }
    }

    @Test
    void contentLengthBody_endsAtItsLength() throws Exception {
        String body = "data: one\n\ndata: two\n\n";
        String response = "HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
        try (CannedServer server = new CannedServer(response, false); // keeps the connection open
             OpenEventStream stream = EventStreamClient.open(client.target(server.uri()))) {
            assertEquals(List.of(ReceivedEvent.message("one"), ReceivedEvent.message("two")),
                    stream.collect(2, WAIT));
            stream.awaitEnd(WAIT);
        }
    }

    @Test
    void bodyWithoutLength_endsWhenTheServerCloses() throws Exception {
        String response = "HTTP/1.0 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: one\n\n";
        try (CannedServer server = new CannedServer(response, true);
             OpenEventStream stream = EventStreamClient.open(client.target(server.uri()))) {
            assertEquals("one", stream.next(WAIT).data());
            stream.awaitEnd(WAIT);
        }
    }

    /** Accepts one connection, records the request head, writes the response, then closes or waits for the client. */
    private static final class CannedServer implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        private final CompletableFuture<String> requestHead = new CompletableFuture<>();
        private final Thread thread;

        CannedServer(String response, boolean closeAfterResponse) throws IOException {
            thread = new Thread(() -> serve(response.getBytes(StandardCharsets.UTF_8), closeAfterResponse),
                    "canned-server");
            thread.start();
        }

        String uri() {
            return "http://127.0.0.1:" + port() + "/";
        }

        int port() {
            return socket.getLocalPort();
        }

        String requestHead() throws Exception {
            return requestHead.get(5, TimeUnit.SECONDS);
        }

        private void serve(byte[] response, boolean closeAfterResponse) {
            try (Socket connection = socket.accept()) {
                InputStream in = connection.getInputStream();
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                    int b = in.read();
                    if (b < 0) {
                        break;
                    }
                    head.write(b);
                }
                requestHead.complete(head.toString(StandardCharsets.ISO_8859_1));
                connection.getOutputStream().write(response);
                connection.getOutputStream().flush();
                if (!closeAfterResponse) {
                    while (in.read() >= 0) {
                        // until the client closes
                    }
                }
            } catch (IOException e) {
                requestHead.completeExceptionally(e);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
