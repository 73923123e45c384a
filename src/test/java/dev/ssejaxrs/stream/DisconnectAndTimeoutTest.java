package dev.ssejaxrs.stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.internal.core.StreamPump;
import dev.ssejaxrs.test.RawClient;
import dev.ssejaxrs.test.TestServer;

/** A client that leaves or stops reading ends its stream and cancels the publisher, once. */
class DisconnectAndTimeoutTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<CloseReason> closes = new CopyOnWriteArrayList<>();

    private StreamOptions.Builder recordingCloses() {
        return StreamOptions.builder().onClose(closes::add);
    }

    @Test
    void clientClosingMidStream_cancelsThePublisherAndCallsOnCloseOnce() throws InterruptedException {
        ProbePublisher publisher = new ProbePublisher(() -> "tick");
        StreamOptions options = recordingCloses().build();
        try (TestServer server = Endpoints.serving(() -> EventStream.of(publisher, options))) {
            RawClient client = server.get("/s");
            client.readUntil("data: tick\r\n\r\ndata: tick", WAIT);
            client.close();
            assertTrue(publisher.awaitCancelled(10), "publisher cancelled");
            await().atMost(WAIT).until(() -> server.runtime().activeStreams() == 0);
            await().atMost(WAIT).until(() -> !closes.isEmpty());
            assertEquals(List.of(CloseReason.CLIENT_GONE), closes);
        }
    }

    @ParameterizedTest(name = "closed with a reset: {0}")
    @ValueSource(booleans = {true, false})
    void idleClientClosing_isNoticedWithoutAnyWrite(boolean reset) throws InterruptedException {
        // no pings and no events: nothing is ever written, so only disconnect detection can end the stream
        ProbePublisher silent = new ProbePublisher();
        StreamOptions options = recordingCloses().pingInterval(Duration.ZERO).build();
        try (TestServer server = Endpoints.serving(() -> EventStream.of(silent, options))) {
            RawClient client = server.get("/s");
            silent.awaitSubscribed();
            if (reset) {
                client.close();
            } else {
                client.closeGracefully();
            }
            assertTrue(silent.awaitCancelled(5), "publisher cancelled although nothing was written");
            await().atMost(WAIT).until(() -> !closes.isEmpty());
            assertEquals(List.of(CloseReason.CLIENT_GONE), closes);
            await().atMost(WAIT).until(() -> server.runtime().activeStreams() == 0);
        }
    }

    @Test
    void frozenClient_whileDataFlows_isClosedBySendTimeout() throws InterruptedException {
        ProbePublisher publisher = new ProbePublisher(() -> SseEvent.of("y".repeat(1024)));
        StreamOptions options = recordingCloses().sendTimeout(Duration.ofMillis(500)).build();
        ResourceConfig app = new ResourceConfig().register(
                new Endpoints.Returning(() -> EventStream.of(publisher, options)));
        try (TestServer server = TestServer.start(app, 8192);
                RawClient frozen = RawClient.request(server.port, "GET", "/s", null, 4096)) {
            // the client never reads again: the buffers fill and the server cannot write
            assertTrue(publisher.awaitCancelled(20), "publisher cancelled");
            await().atMost(WAIT).until(() -> !closes.isEmpty());
            assertEquals(List.of(CloseReason.SEND_TIMEOUT), closes);
            await().atMost(WAIT).until(() -> server.runtime().activeStreams() == 0);
            assertTrue(frozen.awaitEof(WAIT), "the server dropped the connection");
        }
    }

    @Test
    void frozenClient_withOnlyPingsFlowing_isClosedBySendTimeout() throws InterruptedException {
        ProbePublisher silent = new ProbePublisher();
        String bigComment = "z".repeat(64 * 1024);
        StreamOptions options = recordingCloses()
                .pingInterval(Duration.ofMillis(10))
                .pingEvent(() -> SseEvent.comment(bigComment))
                .sendTimeout(Duration.ofMillis(500))
                .build();
        ResourceConfig app = new ResourceConfig().register(
                new Endpoints.Returning(() -> EventStream.of(silent, options)));
        try (TestServer server = TestServer.start(app, 8192);
                RawClient frozen = RawClient.request(server.port, "GET", "/s", null, 4096)) {
            assertTrue(silent.awaitCancelled(20), "publisher cancelled");
            await().atMost(WAIT).until(() -> !closes.isEmpty());
            assertEquals(List.of(CloseReason.SEND_TIMEOUT), closes);
            await().atMost(WAIT).until(() -> server.runtime().activeStreams() == 0);
        }
    }

    @Test
    void slowClient_slowsThePublisherInsteadOfFillingMemory() throws InterruptedException {
        ProbePublisher publisher = new ProbePublisher(() -> SseEvent.of("w".repeat(1024)));
        StreamOptions options = StreamOptions.builder().sendTimeout(Duration.ZERO).build();
        ResourceConfig app = new ResourceConfig().register(
                new Endpoints.Returning(() -> EventStream.of(publisher, options)));
        try (TestServer server = TestServer.start(app, 8192);
                RawClient frozen = RawClient.request(server.port, "GET", "/s", null, 4096)) {
            publisher.awaitSubscribed();
            await().atMost(WAIT).until(() -> publisher.emitted.get() >= StreamPump.WINDOW);
            // the socket buffers fill, then the stream stops asking for more
            long[] last = {-1};
            await().pollInterval(Duration.ofMillis(500)).atMost(Duration.ofSeconds(20)).until(() -> {
                long now = publisher.requested.get();
                boolean stable = now == last[0];
                last[0] = now;
                return stable;
            });
            long before = last[0];
            // what was asked for but not yet written never exceeds the window
            assertTrue(publisher.requested.get() < 20_000, "requested " + publisher.requested.get());
            assertTrue(publisher.largestRequest.get() <= StreamPump.WINDOW, "never asks for Long.MAX_VALUE");
            frozen.readAtLeast(600_000, WAIT); // reading again lets the stream go on
            await().atMost(WAIT).until(() -> publisher.requested.get() > before);
        }
    }
}
