package dev.ssejaxrs.stream;

import dev.ssejaxrs.test.RawClient;
import dev.ssejaxrs.test.TestServer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.SseEventSink;

import org.junit.jupiter.api.Test;

/**
 * An open stream on Grizzly keeps only what it needs: once it runs, Jersey has finished the request and its
 * {@code ContainerRequest} (with the request scope and the response context) can be collected, while the stream
 * still delivers events and ends its response cleanly.
 */
class IdleFootprintTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final SubmissionPublisher<Object> publisher = new SubmissionPublisher<>();
    private final AtomicReference<WeakReference<Object>> request = new AtomicReference<>();

    @Path("/s")
    public final class Returning {
        @GET
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public EventStream get(@Context ContainerRequestContext context) {
            request.set(new WeakReference<>(context));
            return EventStream.of(publisher);
        }
    }

    @Path("/sink")
    public final class Sink {
        @GET
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public void get(@Context ContainerRequestContext context, @Context SseEventSink sink) {
            request.set(new WeakReference<>(context));
            EventStream.of(publisher).sendTo(sink);
        }
    }

    @Test
    void returnedStream_releasesJerseysRequest_whileItStreams() {
        try (TestServer server = TestServer.start(new Returning()); RawClient client = server.get("/s")) {
            streamsWithoutJerseysRequest(client);
        }
    }

    @Test
    void sinkStream_keepsJerseysRequest_andStreams() {
        // Jersey suspended a sink's request before the stream was made, with a handler that holds the request
        try (TestServer server = TestServer.start(new Sink()); RawClient client = server.get("/sink")) {
            assertEquals(200, client.status());
            streamsThenEnds(client);
        }
    }

    @Test
    void afterAReleasedRequest_theConnectionServesTheNextRequest() throws Exception {
        try (TestServer server = TestServer.start(new Returning()); Socket socket = RawClient.connect(server.port, WAIT)) {
            String get = "GET /s HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n";
            String head = RawClient.exchangeHead(socket, get);
            assertTrue(head.startsWith("HTTP/1.1 200 "), head);
            awaitCollected();
            await().atMost(WAIT).until(() -> publisher.getNumberOfSubscribers() == 1);
            publisher.submit("a");
            publisher.close();
            String rest = readUntil(socket, "0\r\n\r\n");
            assertTrue(rest.contains("data: a\r\n\r\n"), rest);
            // the same connection: Grizzly finished the first response and reads the next request
            assertTrue(RawClient.exchangeHead(socket, "HEAD /s HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 200 "));
        }
    }

    private void streamsWithoutJerseysRequest(RawClient client) {
        assertEquals(200, client.status());
        awaitCollected();
        streamsThenEnds(client);
    }

    /** The stream delivers what is published now and ends cleanly when its publisher completes. */
    private void streamsThenEnds(RawClient client) {
        await().atMost(WAIT).until(() -> publisher.getNumberOfSubscribers() == 1);
        publisher.submit("after");
        assertTrue(client.readUntil("data: after\r\n\r\n", WAIT).contains("data: after"));
        publisher.close();
        client.readToEnd(WAIT);
        assertTrue(client.endedCleanly(), "the response ends with its last chunk");
    }

    private void awaitCollected() {
        await().atMost(WAIT).until(() -> {
            System.gc();
            WeakReference<Object> ref = request.get();
            return ref != null && ref.get() == null;
        });
    }

    private static String readUntil(Socket socket, String end) throws Exception {
        StringBuilder text = new StringBuilder();
        byte[] chunk = new byte[4096];
        while (text.indexOf(end) < 0) {
            int n = socket.getInputStream().read(chunk);
            if (n < 0) {
                break;
            }
            text.append(new String(chunk, 0, n, StandardCharsets.ISO_8859_1));
        }
        return text.toString();
    }
}
