package dev.ssejaxrs.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.stream.CloseReason;
import dev.ssejaxrs.stream.EventStream;
import dev.ssejaxrs.stream.SseRuntime;
import dev.ssejaxrs.stream.StreamOptions;
import dev.ssejaxrs.test.TestServer;

/**
 * Executors the application lends (its own, or a server's managed ones) run the iterator sources, the writes, the
 * close callbacks and the pings, and are never shut down by the library.
 */
class LentExecutorsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    static final Set<String> threadsSeen = ConcurrentHashMap.newKeySet();
    static volatile CompletableFuture<String> closedOn;

    @Path("/")
    public static class Sources {
        @GET
        @Path("iterator")
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public EventStream iterator() {
            Iterator<String> names = List.of("a", "b").iterator();
            Iterator<String> recording = new Iterator<>() {
                @Override
                public boolean hasNext() {
                    threadsSeen.add(Thread.currentThread().getName());
                    return names.hasNext();
                }

                @Override
                public String next() {
                    return names.next();
                }
            };
            CompletableFuture<String> closed = closedOn;
            return EventStream.of(recording, StreamOptions.builder().pingInterval(Duration.ofMillis(50))
                    .onClose(reason -> closed.complete(reason + " on " + Thread.currentThread().getName())).build());
        }
    }

    private static ExecutorService named(String prefix, AtomicInteger count) {
        return Executors.newCachedThreadPool(task -> {
            Thread t = new Thread(task, prefix + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Test
    void lentExecutors_runSourcesWritesAndCallbacks_andOutliveTheApplication() throws Exception {
        ExecutorService executor = named("app-pool-", new AtomicInteger());
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        threadsSeen.clear();
        closedOn = new CompletableFuture<>();
        ResourceConfig app = new ResourceConfig(Sources.class).property(SseRuntime.EXECUTOR, executor)
                .property(SseRuntime.SCHEDULER, scheduler);
        try (TestServer server = TestServer.start(app)) {
            assertEquals("data: a\r\n\r\ndata: b\r\n\r\n", server.get("/iterator").readToEnd(WAIT));
            String closed = closedOn.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertTrue(closed.startsWith(CloseReason.COMPLETED + " on app-pool-"), closed);
            assertTrue(threadsSeen.stream().allMatch(name -> name.startsWith("app-pool-")), threadsSeen.toString());
        }
        assertFalse(executor.isShutdown(), "the library shut down an executor it was lent");
        assertFalse(scheduler.isShutdown(), "the library shut down a scheduler it was lent");
        executor.shutdownNow();
        scheduler.shutdownNow();
    }

    @Test
    void lentExecutorOfTheWrongType_isRefused_namingTheProperty() {
        ResourceConfig app = new ResourceConfig(Sources.class).property(SseRuntime.SCHEDULER, "not a scheduler");
        Exception e = assertThrows(Exception.class, () -> TestServer.start(app).close());
        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof IllegalArgumentException)) {
            cause = cause.getCause();
        }
        assertTrue(cause.getMessage().contains(SseRuntime.SCHEDULER), cause.getMessage());
    }
}
