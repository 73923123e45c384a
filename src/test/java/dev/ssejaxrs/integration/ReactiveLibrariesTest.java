package dev.ssejaxrs.integration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.stream.EventStream;
import dev.ssejaxrs.test.RawClient;
import dev.ssejaxrs.test.TestServer;
import io.smallrye.mutiny.Multi;
import reactor.core.publisher.Flux;

/**
 * Reactor's {@code Flux} (a Reactive Streams publisher, through {@link EventStream#ofReactive}) and Mutiny's
 * {@code Multi} (a {@code Flow.Publisher}) stream with the stream's bounded demand, and a client that leaves
 * cancels them. Both sources are endless, so only demand limits what they make.
 */
class ReactiveLibrariesTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** The stream asks for at most this many items at once (StreamPump.WINDOW). */
    private static final long WINDOW = 256;

    /** What the endless sources saw; one instance per test. */
    static final class Upstream {
        final List<Long> requests = new CopyOnWriteArrayList<>();
        final AtomicLong emitted = new AtomicLong();
        final CountDownLatch cancelled = new CountDownLatch(1);
    }

    static Upstream upstream;

    @Path("/")
    public static class ReactiveResource {
        @GET
        @Path("flux")
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public EventStream flux() {
            Upstream seen = upstream;
            Flux<String> numbers = Flux.<String, Long>generate(() -> 0L, (i, sink) -> {
                sink.next(Long.toString(i));
                seen.emitted.incrementAndGet();
                return i + 1;
            }).doOnRequest(seen.requests::add).doOnCancel(seen.cancelled::countDown);
            return EventStream.ofReactive(numbers);
        }

        @GET
        @Path("multi")
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public EventStream multi() {
            Upstream seen = upstream;
            Multi<String> numbers = Multi.createFrom().<Long, String>generator(() -> 0L, (i, emitter) -> {
                emitter.emit(Long.toString(i));
                seen.emitted.incrementAndGet();
                return i + 1;
            }).onRequest().invoke(seen.requests::add).onCancellation().invoke(seen.cancelled::countDown);
            return EventStream.of(numbers);
        }
    }

    @Test
    void flux_getsBoundedDemand_andIsCancelledWhenTheClientLeaves() throws Exception {
        readsInOrder_withBoundedDemand_thenCancels("/flux");
    }

    @Test
    void multi_getsBoundedDemand_andIsCancelledWhenTheClientLeaves() throws Exception {
        readsInOrder_withBoundedDemand_thenCancels("/multi");
    }

    private static void readsInOrder_withBoundedDemand_thenCancels(String path) throws Exception {
        upstream = new Upstream();
        Upstream seen = upstream;
        try (TestServer server = TestServer.start(new ResourceConfig(ReactiveResource.class), 16 * 1024)) {
            try (RawClient client = RawClient.request(server.port, "GET", path, null, 8 * 1024)) {
                String body = client.readUntil("data: 999\r\n\r\n", WAIT);
                assertTrue(body.startsWith("data: 0\r\n\r\ndata: 1\r\n\r\n"), RawClient.show(body.substring(0, 40)));
                // the client stops reading: the source stops soon, because nothing asks it for more
                AtomicLong last = new AtomicLong(-1);
                await().atMost(WAIT).pollInterval(Duration.ofMillis(300))
                        .until(() -> last.getAndSet(seen.emitted.get()) == seen.emitted.get());
                long requested = seen.requests.stream().mapToLong(Long::longValue).sum();
                assertEquals(WINDOW, seen.requests.get(0).longValue(), seen.requests.toString());
                assertTrue(seen.requests.stream().allMatch(n -> n > 0 && n <= WINDOW), seen.requests.toString());
                assertTrue(seen.emitted.get() <= requested, seen.emitted + " emitted, " + requested + " requested");
                assertTrue(seen.emitted.get() < 200_000, "an endless source was drained: " + seen.emitted);
            }
            assertTrue(seen.cancelled.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the source was not cancelled");
            await().atMost(WAIT).until(() -> server.runtime().activeStreams() == 0);
        }
    }
}
