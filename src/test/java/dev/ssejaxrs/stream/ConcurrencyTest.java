package dev.ssejaxrs.stream;

import dev.ssejaxrs.test.RawClient;
import dev.ssejaxrs.test.TestServer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** Several clients at once: each gets its whole stream, and a slow one does not hold the others back. */
class ConcurrencyTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void concurrentClients_eachReceiveExactlyTheirEvents() throws Exception {
        String expected = IntStream.rangeClosed(1, 14).mapToObj(i -> "data: " + i + "\r\n\r\n")
                .collect(Collectors.joining());
        try (TestServer server = Endpoints.serving(
                () -> EventStream.of(IntStream.rangeClosed(1, 14).mapToObj(Integer::toString)))) {
            List<CompletableFuture<String>> bodies = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                bodies.add(CompletableFuture.supplyAsync(() -> {
                    try (RawClient client = server.get("/s")) {
                        return client.readToEnd(WAIT);
                    }
                }));
            }
            for (CompletableFuture<String> body : bodies) {
                assertEquals(expected, body.get(30, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void slowReaders_doNotThrottleFastReaders() throws Exception {
        String data = "v".repeat(1000);
        StreamOptions options = StreamOptions.builder().sendTimeout(Duration.ZERO).build();
        try (TestServer server = TestServer.start(new org.glassfish.jersey.server.ResourceConfig().register(
                new Endpoints.Returning(() -> EventStream.of(new ProbePublisher(() -> data), options))), 8192)) {
            List<RawClient> slow = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                slow.add(RawClient.request(server.port, "GET", "/s", null, 4096)); // connected, barely reading
            }
            ExecutorService readers = Executors.newFixedThreadPool(10);
            try {
                List<CompletableFuture<Integer>> fast = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    fast.add(CompletableFuture.supplyAsync(() -> {
                        try (RawClient client = server.get("/s")) {
                            client.readAtLeast(3_000_000, WAIT);
                            return client.bodyBytes().length;
                        }
                    }, readers));
                }
                for (CompletableFuture<Integer> f : fast) {
                    assertTrue(f.get(60, TimeUnit.SECONDS) >= 3_000_000);
                }
                for (RawClient s : slow) {
                    s.readAtLeast(1, WAIT); // a slow client got something, but far less
                    assertTrue(s.bodyBytes().length * 5 <= 3_000_000, "slow got " + s.bodyBytes().length);
                }
            } finally {
                readers.shutdownNow();
                slow.forEach(RawClient::close);
            }
        }
    }

    @Test
    void producerFedFromASeparateSenderTask_deliversAllItemsInOrder() throws Exception {
        ExecutorService sender = Executors.newSingleThreadExecutor();
        try (TestServer server = Endpoints.serving(() -> {
            SubmissionPublisher<String> channel = new SubmissionPublisher<>();
            sender.submit(() -> {
                while (!channel.hasSubscribers()) {
                    Thread.onSpinWait();
                }
                for (int i = 1; i <= 500; i++) {
                    channel.submit("item " + i); // blocks while the stream's buffer is full: backpressure
                }
                channel.close();
            });
            return EventStream.of(channel);
        }); RawClient client = server.get("/s")) {
            String expected = IntStream.rangeClosed(1, 500).mapToObj(i -> "data: item " + i + "\r\n\r\n")
                    .collect(Collectors.joining());
            assertEquals(expected, client.readToEnd(WAIT));
        } finally {
            sender.shutdownNow();
        }
    }

    @Test
    void firehoseStreams_doNotStarveAQuietStream() throws Exception {
        ProbePublisher quiet = new ProbePublisher();
        java.util.concurrent.atomic.AtomicInteger opened = new java.util.concurrent.atomic.AtomicInteger();
        try (TestServer server = Endpoints.serving(() -> opened.incrementAndGet() <= 4
                ? EventStream.of(new ProbePublisher(() -> "f".repeat(200)))
                : EventStream.of(quiet))) {
            ExecutorService readers = Executors.newFixedThreadPool(4);
            List<RawClient> firehoses = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    RawClient client = server.get("/s");
                    firehoses.add(client);
                    readers.submit(() -> client.readFor(Duration.ofSeconds(20)));
                }
                try (RawClient quietClient = server.get("/s")) {
                    quiet.awaitSubscribed();
                    for (int i = 0; i < 5; i++) {
                        long start = System.nanoTime();
                        assertTrue(quiet.emit("quiet " + i));
                        quietClient.readUntil("data: quiet " + i + "\r\n\r\n", Duration.ofSeconds(10));
                        long tookMillis = (System.nanoTime() - start) / 1_000_000;
                        assertTrue(tookMillis < 2000, "a quiet event took " + tookMillis + " ms");
                    }
                }
            } finally {
                firehoses.forEach(RawClient::close);
                readers.shutdownNow();
            }
        }
    }
}
