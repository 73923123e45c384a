package dev.ssejaxrs.internal.core;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.stream.CloseReason;
import dev.ssejaxrs.stream.StreamOptions;

/** The 100 ms watchdog (send timeouts, HTTP/2 resets) survives a check that throws, and checks the others. */
class WatchdogTest {
    private final StreamEngine engine = new StreamEngine();

    @AfterEach
    void stop() {
        engine.shutdown();
    }

    /** A connection that takes every write; whether its client is gone is the test's to say. */
    private static class Connection implements StreamConnection {
        volatile boolean gone;
        final AtomicInteger asked = new AtomicInteger();

        @Override
        public void startStreaming() {
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
        }

        @Override
        public void writeShared(byte[] bytes, int offset, int length) {
        }

        @Override
        public void flush() {
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void whenReady(Runnable task) {
            task.run();
        }

        @Override
        public boolean isClientGone() {
            asked.incrementAndGet();
            return gone;
        }

        @Override
        public void onClientGone(Runnable task) {
        }

        @Override
        public void end() {
        }

        @Override
        public void abort() {
        }
    }

    /** A publisher that never sends: the stream stays open until the watchdog ends it. */
    private static final StreamSource SILENT = executor -> (Flow.Publisher<Object>) s -> s.onSubscribe(
            new Flow.Subscription() {
                @Override
                public void request(long n) {
                }

                @Override
                public void cancel() {
                }
            });

    private CompletableFuture<CloseReason> open(StreamConnection connection) {
        CompletableFuture<CloseReason> closed = new CompletableFuture<>();
        StreamOptions options = StreamOptions.builder().pingInterval(Duration.ZERO).onClose(closed::complete).build();
        engine.open(SILENT, options, connection).activate();
        return closed;
    }

    @Test
    void aCheckThatThrows_doesNotStopTheWatchdog_forTheOtherStreams() throws Exception {
        Connection broken = new Connection() {
            @Override
            public boolean isClientGone() {
                asked.incrementAndGet();
                throw new IllegalStateException("a container that fails when asked");
            }
        };
        Connection healthy = new Connection();
        open(broken);
        CompletableFuture<CloseReason> healthyClosed = open(healthy);
        // the watchdog asks the broken connection again and again: it survived its exception
        await().atMost(Duration.ofSeconds(20)).until(() -> broken.asked.get() >= 3);
        healthy.gone = true; // an HTTP/2 reset the watchdog alone can notice
        assertEquals(CloseReason.CLIENT_GONE, healthyClosed.get(20, TimeUnit.SECONDS));
    }
}
