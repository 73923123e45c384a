package dev.ssejaxrs.stream;

import dev.ssejaxrs.test.RawClient;
import dev.ssejaxrs.test.TestServer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Many open streams share a few threads; connecting and leaving many times leaves nothing behind. */
class ScaleTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void thousandOpenStreamsWithPings_useABoundedNumberOfThreads() {
        StreamOptions options = StreamOptions.builder().pingInterval(Duration.ofMillis(200)).build();
        try (TestServer server = Endpoints.serving(() -> EventStream.of(new ProbePublisher(), options))) {
            try (RawClient warmUp = server.get("/s")) {
                warmUp.readUntil(": ping", WAIT);
            }
            int threadsBefore = Thread.activeCount();
            List<RawClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 1000; i++) {
                    clients.add(server.get("/s"));
                }
                await().atMost(WAIT).until(() -> server.runtime().activeStreams() == 1000);
                // every stream gets pinged while they are all open
                for (RawClient client : clients) {
                    client.readUntil(": ping - ", WAIT);
                }
                int threadsAfter = Thread.activeCount();
                assertTrue(threadsAfter - threadsBefore < 20,
                        "threads grew from " + threadsBefore + " to " + threadsAfter);
            } finally {
                clients.forEach(RawClient::close);
            }
            await().atMost(WAIT).until(() -> server.runtime().activeStreams() == 0);
        }
    }

    @Test
    void churnOfTwoThousandConnections_leavesNoStreamAndNoThreadBehind() {
        try (TestServer server = Endpoints.serving(() -> EventStream.of(new ProbePublisher(() -> "x")))) {
            for (int i = 0; i < 50; i++) { // warm up the pools
                try (RawClient client = server.get("/s")) {
                    client.readUntil("data: x", WAIT);
                }
            }
            await().atMost(WAIT).until(() -> server.runtime().activeStreams() == 0);
            int threadsBefore = Thread.activeCount();
            for (int i = 0; i < 2000; i++) {
                try (RawClient client = server.get("/s")) {
                    client.readUntil("data: x", WAIT);
                }
            }
            await().atMost(WAIT).until(() -> server.runtime().activeStreams() == 0);
            int threadsAfter = Thread.activeCount();
            assertTrue(threadsAfter - threadsBefore < 10,
                    "threads grew from " + threadsBefore + " to " + threadsAfter);
            assertEquals(0, server.runtime().activeStreams());
        }
    }
}
