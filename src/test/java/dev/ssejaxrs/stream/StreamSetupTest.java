package dev.ssejaxrs.stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import jakarta.annotation.Priority;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.SseEventSink;

import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.test.RawClient;
import dev.ssejaxrs.test.TestServer;

/**
 * A stream's resources exist only while its response is open, whatever the order of the races around its start:
 * HEAD requests, HTTP/1.0, a client that leaves before the first byte, a filter that throws after the stream was
 * made, a publisher that completes before Jersey suspends the response.
 */
class StreamSetupTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<CloseReason> closes = new CopyOnWriteArrayList<>();
    private final AtomicInteger created = new AtomicInteger();
    private final AtomicInteger sourcesMade = new AtomicInteger();
    private final AtomicInteger sourcesClosed = new AtomicInteger();
    private final LiveCountingPublisher publisher = new LiveCountingPublisher();

    /** A publisher that never sends, and counts the subscriptions it holds (subscribed, not cancelled). */
    static final class LiveCountingPublisher implements Flow.Publisher<Object> {
        final AtomicInteger subscriptions = new AtomicInteger();
        final AtomicInteger live = new AtomicInteger();

        @Override
        public void subscribe(Flow.Subscriber<? super Object> subscriber) {
            subscriptions.incrementAndGet();
            live.incrementAndGet();
            AtomicBoolean cancelled = new AtomicBoolean();
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                }

                @Override
                public void cancel() {
                    if (cancelled.compareAndSet(false, true)) {
                        live.decrementAndGet();
                    }
                }
            });
        }
    }

    /** Completes inside {@code subscribe}, before Jersey has even flushed the response head. */
    static final Flow.Publisher<Object> COMPLETES_AT_ONCE = subscriber -> {
        subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
            }

            @Override
            public void cancel() {
            }
        });
        subscriber.onNext("only"); // the stream asked for a window in onSubscribe
        subscriber.onComplete();
    };

    /** The endpoints, each counting the streams it made. */
    @Path("/")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public final class Resource {
        private StreamOptions options() {
            created.incrementAndGet();
            return StreamOptions.builder().pingInterval(Duration.ofMillis(500)).onClose(closes::add).build();
        }

        @GET
        @Path("publisher")
        public EventStream publisher() {
            return EventStream.of(publisher, options());
        }

        @GET
        @Path("source")
        public EventStream source() {
            sourcesMade.incrementAndGet();
            return EventStream.of(Stream.generate(() -> "x").onClose(sourcesClosed::incrementAndGet), options());
        }

        @GET
        @Path("sink")
        public void sink(@Context SseEventSink sink) {
            EventStream.of(publisher, options()).sendTo(sink);
        }

        @GET
        @Path("finite")
        public EventStream finite() {
            return EventStream.of(List.of("a", "b"), options());
        }

        @GET
        @Path("at-once")
        public EventStream atOnce() {
            return EventStream.of(COMPLETES_AT_ONCE, options());
        }

        @GET
        @Path("plain")
        @Produces(MediaType.TEXT_PLAIN)
        public String plain() {
            return "plain";
        }
    }

    /** Runs after the library's filter, and fails requests that ask for it. */
    @Priority(100)
    public static final class FailingFilter implements ContainerResponseFilter {
        @Override
        public void filter(ContainerRequestContext request, ContainerResponseContext response) {
            if (request.getUriInfo().getQueryParameters().containsKey("fail")) {
                throw new IllegalStateException("a filter after the library's failed");
            }
        }
    }

    private TestServer server() {
        return TestServer.start(new ResourceConfig().register(new Resource()).register(FailingFilter.class));
    }

    private void assertNothingLeft(TestServer server) {
        await().atMost(WAIT).until(() -> closes.size() == created.get());
        await().atMost(WAIT).until(() -> server.runtime().activeStreams() == 0);
        assertEquals(0, server.runtime().scheduledPings(), "ping tasks left");
        // the scheduler holds nothing but the send-timeout watchdog
        await().atMost(WAIT).until(() -> ((java.util.concurrent.ScheduledThreadPoolExecutor) server.runtime().engine().scheduler())
                .getQueue().size() <= 1);
        assertEquals(0, publisher.live.get(), "subscriptions left");
    }

    @Test
    void head_answersAtOnceWithTheHeadAndNoBody_opensNothing_andKeepsTheConnection() throws IOException {
        try (TestServer server = server(); Socket socket = connect(server.port)) {
            for (String path : List.of("/publisher", "/source", "/sink", "/publisher", "/source", "/sink")) {
                String head = RawClient.exchangeHead(socket, "HEAD " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                assertTrue(head.startsWith("HTTP/1.1 200"), head);
                assertTrue(head.contains("Content-Type: text/event-stream;charset=UTF-8\r\n"), head);
                assertTrue(head.contains("Cache-Control: no-store\r\n"), head);
                assertFalse(head.contains("Connection: close"), head);
            }
            // the same connection serves the next request
            String head = RawClient.exchangeHead(socket, "GET /plain HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertTrue(head.startsWith("HTTP/1.1 200") && head.contains("Content-Length: 5"), head);
            assertEquals("plain", new String(socket.getInputStream().readNBytes(5), StandardCharsets.US_ASCII));

            assertEquals(0, publisher.subscriptions.get(), "HEAD subscribed a publisher");
            await().atMost(WAIT).until(() -> sourcesClosed.get() == 2);
            assertEquals(List.of(CloseReason.NOT_OPENED), closes.stream().distinct().toList());
            assertNothingLeft(server);
        }
    }

    @Test
    void http10_getsAnUnchunkedBodyThatEndsWithTheConnection() throws IOException {
        try (TestServer server = server(); Socket socket = connect(server.port)) {
            socket.getOutputStream().write("GET /finite HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String response = readToEof(socket);
            String head = response.substring(0, response.indexOf("\r\n\r\n") + 4);
            assertTrue(head.startsWith("HTTP/1.0 200"), head);
            assertTrue(head.contains("Connection: close\r\n"), head);
            assertFalse(head.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding"), head);
            assertTrue(head.contains("Content-Type: text/event-stream;charset=UTF-8\r\n"), head);
            assertEquals("data: a\r\n\r\ndata: b\r\n\r\n", response.substring(head.length()));
            assertNothingLeft(server);
        }
    }

    @Test
    void http11_isStillChunked() {
        try (TestServer server = server(); RawClient client = server.get("/finite")) {
            assertEquals("chunked", client.header("Transfer-Encoding"));
            assertEquals("data: a\r\n\r\ndata: b\r\n\r\n", client.readToEnd(WAIT));
            assertTrue(client.endedCleanly());
        }
    }

    @Test
    void publisherThatCompletesBeforeTheResponseIsSuspended_endsTheResponseAtOnce() {
        try (TestServer server = server()) {
            for (int i = 0; i < 200; i++) {
                try (RawClient client = server.get("/at-once")) {
                    assertEquals("data: only\r\n\r\n", client.readToEnd(Duration.ofSeconds(5)), "request " + i);
                    assertTrue(client.endedCleanly(), "request " + i);
                }
            }
            assertEquals(List.of(CloseReason.COMPLETED), closes.stream().distinct().toList());
            assertNothingLeft(server);
        }
    }

    @Test
    void filterThatThrowsAfterTheStreamWasMade_leavesNoSubscriptionAndClosesTheSource() {
        try (TestServer server = server();
                RawClient toPublisher = server.get("/publisher?fail");
                RawClient toSource = server.get("/source?fail")) {
            assertEquals(500, toPublisher.status());
            assertEquals(500, toSource.status());
            assertNull(toPublisher.header("X-Accel-Buffering"));
            await().atMost(WAIT).until(() -> sourcesClosed.get() == 1);
            assertEquals(0, publisher.subscriptions.get());
            assertEquals(List.of(CloseReason.NOT_OPENED, CloseReason.NOT_OPENED), closes);
            assertNothingLeft(server);
        }
    }

    @Test
    void clientsThatResetBeforeReadingAnything_leaveNothingBehind() throws IOException {
        try (TestServer server = server()) {
            for (int i = 0; i < 300; i++) {
                String path = i % 3 == 0 ? "/publisher" : i % 3 == 1 ? "/sink" : "/source";
                try (Socket socket = connect(server.port)) {
                    socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    socket.setSoLinger(true, 0); // reset, at once
                }
            }
            assertNothingLeft(server);
            // a reset request may still reach the resource after the first check: one onClose per stream, in time
            await().atMost(WAIT).until(() -> closes.size() == created.get());
            assertTrue(closes.stream().allMatch(r -> r == CloseReason.CLIENT_GONE), closes.toString());
            await().atMost(WAIT).until(() -> sourcesClosed.get() == sourcesMade.get());
        }
    }

    static Socket connect(int port) throws IOException {
        return RawClient.connect(port, WAIT);
    }

    static String readToEof(Socket socket) throws IOException {
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
