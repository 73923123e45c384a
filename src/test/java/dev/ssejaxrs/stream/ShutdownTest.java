package dev.ssejaxrs.stream;

import dev.ssejaxrs.test.RawClient;
import dev.ssejaxrs.test.TestServer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import org.junit.jupiter.api.Test;

import dev.ssejaxrs.event.SseEvent;

/** Stopping the application ends every stream promptly, politely when asked to, and touches no other server. */
class ShutdownTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final SseEvent FAREWELL = SseEvent.builder().event("shutdown").data("bye").build();

    private final List<CloseReason> closes = new CopyOnWriteArrayList<>();

    /** A producer that says goodbye and completes when the application begins to stop. */
    @Path("/polite")
    public static final class Polite {
        @GET
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public EventStream get(@Context SseRuntime runtime) {
            ProbePublisher publisher = new ProbePublisher();
            runtime.shutdownSignal().thenRun(() -> {
                publisher.emit("finishing up");
                publisher.complete();
            });
            return EventStream.of(publisher, StreamOptions.builder()
                    .shutdownGracePeriod(Duration.ofSeconds(5)).farewellEvent(FAREWELL).build());
        }
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void stop_sendsTheFarewellEventThenEndsTheStream() throws InterruptedException {
        ProbePublisher silent = new ProbePublisher();
        StreamOptions options = StreamOptions.builder().farewellEvent(FAREWELL).onClose(closes::add).build();
        TestServer server = Endpoints.serving(() -> EventStream.of(silent, options));
        try (RawClient client = server.get("/s")) {
            silent.awaitSubscribed();
            long start = System.nanoTime();
            server.close();
            assertTrue(millisSince(start) < 3000, "stop took " + millisSince(start) + " ms");
            assertEquals("event: shutdown\r\ndata: bye\r\n\r\n", client.readToEnd(WAIT));
            assertTrue(silent.awaitCancelled(5));
            assertEquals(List.of(CloseReason.SHUTDOWN), closes);
        }
    }

    @Test
    void producerThatWatchesTheSignal_finishesWithinTheGracePeriod() {
        TestServer server = TestServer.start(Polite.class);
        try (RawClient client = server.get("/polite")) {
            await().atMost(WAIT).until(() -> server.runtime().activeStreams() == 1);
            long start = System.nanoTime();
            server.close();
            assertTrue(millisSince(start) < 4000, "stop took " + millisSince(start) + " ms");
            assertEquals("data: finishing up\r\n\r\nevent: shutdown\r\ndata: bye\r\n\r\n", client.readToEnd(WAIT));
        }
    }

    @Test
    void producerThatIgnoresTheSignal_isClosedAfterTheGracePeriod() throws InterruptedException {
        ProbePublisher deaf = new ProbePublisher();
        StreamOptions options = StreamOptions.builder().shutdownGracePeriod(Duration.ofMillis(500))
                .onClose(closes::add).build();
        TestServer server = Endpoints.serving(() -> EventStream.of(deaf, options));
        try (RawClient client = server.get("/s")) {
            deaf.awaitSubscribed();
            long start = System.nanoTime();
            server.close();
            long took = millisSince(start);
            assertTrue(took >= 450 && took < 3000, "stop took " + took + " ms");
            assertTrue(deaf.awaitCancelled(1));
            assertEquals("", client.readToEnd(WAIT));
            assertEquals(List.of(CloseReason.SHUTDOWN), closes);
        }
    }

    @Test
    void stop_neverHangsOnManyOpenStreams_andGracefulGrizzlyShutdownToo() throws Exception {
        for (boolean graceful : new boolean[] {false, true}) {
            TestServer server = Endpoints.serving(() -> EventStream.of(new ProbePublisher()));
            List<RawClient> clients = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                clients.add(server.get("/s"));
            }
            await().atMost(WAIT).until(() -> server.runtime().activeStreams() == 20);
            long start = System.nanoTime();
            if (graceful) {
                server.server().shutdown(30, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS);
                server.close();
            } else {
                server.close();
            }
            assertTrue(millisSince(start) < 3000, "stop took " + millisSince(start) + " ms");
            for (RawClient client : clients) {
                assertTrue(client.readFor(WAIT), "stream ended");
                client.close();
            }
        }
    }

    @Test
    void twoServersInSequence_bothStreamNormally() throws InterruptedException {
        for (int round = 0; round < 3; round++) {
            try (TestServer server = Endpoints.serving(() -> EventStream.of(List.of("round")));
                    RawClient client = server.get("/s")) {
                assertEquals("data: round\r\n\r\n", client.readToEnd(WAIT));
                assertFalse(server.runtime().isShuttingDown());
            }
            if (round == 1) {
                Thread.sleep(1000); // the second gap of the sse-starlette #211 scenario: about one second
            }
        }
    }

    @Test
    void twoServersSideBySide_stopIndependently() throws InterruptedException {
        ProbePublisher onA = new ProbePublisher();
        ProbePublisher onB = new ProbePublisher();
        TestServer a = Endpoints.serving(() -> EventStream.of(onA));
        try (TestServer b = Endpoints.serving(() -> EventStream.of(onB));
                RawClient clientA = a.get("/s"); RawClient clientB = b.get("/s")) {
            onA.awaitSubscribed();
            onB.awaitSubscribed();
            a.close();
            assertTrue(onA.awaitCancelled(5));
            assertTrue(clientA.readFor(WAIT), "A's stream ended");
            assertFalse(onB.isCancelled());
            assertFalse(b.runtime().isShuttingDown());
            assertTrue(onB.emit("still here"));
            assertEquals("data: still here\r\n\r\n", clientB.readUntil("\r\n\r\n", WAIT));
            assertEquals(1, b.runtime().activeStreams());
        }
    }
}
