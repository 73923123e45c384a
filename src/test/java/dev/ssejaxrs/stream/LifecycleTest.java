package dev.ssejaxrs.stream;

import dev.ssejaxrs.test.RawClient;
import dev.ssejaxrs.test.TestServer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.ssejaxrs.event.SseEvent;

/** How streams end: completion, publisher errors, iterator and stream sources. */
class LifecycleTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<CloseReason> closes = new CopyOnWriteArrayList<>();

    @Test
    void finitePublisher_sendsAllEventsThenACleanChunkedEnd() {
        StreamOptions options = StreamOptions.builder().onClose(closes::add).build();
        try (TestServer server = Endpoints.serving(() -> EventStream.of(List.of("1", "2", "3"), options));
                RawClient client = server.get("/s")) {
            assertEquals("data: 1\r\n\r\ndata: 2\r\n\r\ndata: 3\r\n\r\n", client.readToEnd(WAIT));
            assertTrue(client.ended(), "terminating chunk received");
            await().atMost(WAIT).until(() -> closes.equals(List.of(CloseReason.COMPLETED)));
            await().atMost(WAIT).until(() -> server.runtime().activeStreams() == 0);
        }
    }

    @Test
    void publisherError_endsTheStreamCleanlyWithTheMappedErrorEvent() throws InterruptedException {
        ProbePublisher publisher = new ProbePublisher();
        StreamOptions options = StreamOptions.builder()
                .onClose(closes::add)
                .errorEvent(e -> SseEvent.builder().event("error").data(e.getMessage()).build())
                .build();
        try (TestServer server = Endpoints.serving(() -> EventStream.of(publisher, options));
                RawClient client = server.get("/s")) {
            publisher.awaitSubscribed();
            assertTrue(publisher.emit("before"));
            publisher.fail(new IllegalStateException("database went away"));
            assertEquals("data: before\r\n\r\nevent: error\r\ndata: database went away\r\n\r\n",
                    client.readToEnd(WAIT));
            await().atMost(WAIT).until(() -> closes.equals(List.of(CloseReason.PUBLISHER_ERROR)));
        }
    }

    /** An object JSON-B cannot serialise: its getter throws. */
    static final class Unencodable {
        @SuppressWarnings("unused")
        public Object getSelf() {
            throw new IllegalStateException("no");
        }
    }

    @Test
    void itemThatCannotBeEncoded_cancelsThePublisherAndEndsAsAnEncodingError() throws InterruptedException {
        ProbePublisher publisher = new ProbePublisher();
        StreamOptions options = StreamOptions.builder().onClose(closes::add)
                .errorEvent(e -> SseEvent.builder().event("error").data(e.getMessage()).build()).build();
        try (TestServer server = Endpoints.serving(() -> EventStream.of(publisher, options));
                RawClient client = server.get("/s")) {
            publisher.awaitSubscribed();
            assertTrue(publisher.emit("ok"));
            assertTrue(publisher.emit(new Unencodable()));
            assertEquals("data: ok\r\n\r\nevent: error\r\ndata: cannot encode an item of type "
                    + Unencodable.class.getName() + " as an event\r\n\r\n", client.readToEnd(WAIT));
            assertTrue(publisher.awaitCancelled(10), "a hot publisher is cancelled");
            await().atMost(WAIT).until(() -> closes.equals(List.of(CloseReason.ENCODING_ERROR)));
        }
    }

    @Test
    void itemThatCannotBeEncoded_closesItsStreamSource() throws InterruptedException {
        CountDownLatch sourceClosed = new CountDownLatch(1);
        StreamOptions options = StreamOptions.builder().onClose(closes::add).build();
        try (TestServer server = Endpoints.serving(() -> EventStream.of(
                Stream.iterate(0, i -> i + 1).map(i -> i == 1 ? new Unencodable() : "n" + i)
                        .onClose(sourceClosed::countDown), options));
                RawClient client = server.get("/s")) {
            assertEquals("data: n0\r\n\r\n", client.readToEnd(WAIT));
            assertTrue(sourceClosed.await(10, TimeUnit.SECONDS), "the Stream's onClose ran");
            await().atMost(WAIT).until(() -> closes.equals(List.of(CloseReason.ENCODING_ERROR)));
        }
    }

    @Test
    void iterator_isReadOffTheRequestThread() {
        AtomicReference<String> requestThread = new AtomicReference<>();
        AtomicReference<String> readingThread = new AtomicReference<>();
        Iterator<String> iterator = new Iterator<>() {
            private int left = 2;

            @Override
            public boolean hasNext() {
                readingThread.set(Thread.currentThread().getName());
                return left > 0;
            }

            @Override
            public String next() {
                return "n" + left--;
            }
        };
        try (TestServer server = Endpoints.serving(() -> {
            requestThread.set(Thread.currentThread().getName());
            return EventStream.of(iterator);
        }); RawClient client = server.get("/s")) {
            assertEquals("data: n2\r\n\r\ndata: n1\r\n\r\n", client.readToEnd(WAIT));
            assertTrue(readingThread.get().contains("-source-"), readingThread.get());
            assertTrue(!readingThread.get().equals(requestThread.get()));
        }
    }

    @Test
    void endlessStreamSource_isClosedWhenTheClientLeaves() throws InterruptedException {
        CountDownLatch closed = new CountDownLatch(1);
        AtomicInteger produced = new AtomicInteger();
        try (TestServer server = Endpoints.serving(() -> EventStream.of(
                Stream.generate(() -> "e" + produced.incrementAndGet()).onClose(closed::countDown)))) {
            RawClient client = server.get("/s");
            client.readUntil("data: e3\r\n", WAIT);
            client.close();
            assertTrue(closed.await(10, TimeUnit.SECONDS), "the Stream's onClose ran");
            int after = produced.get();
            await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> produced.get() == after);
        }
    }

    @Test
    void iteratorSourceThatThrows_endsAsAPublisherError() {
        StreamOptions options = StreamOptions.builder().onClose(closes::add)
                .errorEvent(e -> SseEvent.of("failed: " + e.getMessage())).build();
        Iterator<String> failing = Stream.of("a", "b").map(s -> {
            if (s.equals("b")) {
                throw new IllegalStateException("boom");
            }
            return s;
        }).iterator();
        try (TestServer server = Endpoints.serving(() -> EventStream.of(failing, options));
                RawClient client = server.get("/s")) {
            assertEquals("data: a\r\n\r\ndata: failed: boom\r\n\r\n", client.readToEnd(WAIT));
            await().atMost(WAIT).until(() -> closes.equals(List.of(CloseReason.PUBLISHER_ERROR)));
        }
    }
}
