package dev.ssejaxrs.internal.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Iterator;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Iterator sources that block: cancelling frees their thread, and a full reader pool says so. */
class IteratorPublisherTest {
    private final StreamEngine runtime = new StreamEngine(2);

    @AfterEach
    void stop() {
        runtime.shutdown();
    }

    /** An iterator over a queue that waits in {@code hasNext()} until an item arrives; counts its interrupts. */
    static final class WaitingIterator implements Iterator<Object> {
        final BlockingQueue<Object> items = new LinkedBlockingQueue<>();
        final CountDownLatch waiting = new CountDownLatch(1);
        final CountDownLatch interrupted = new CountDownLatch(1);
        private Object next;

        @Override
        public boolean hasNext() {
            waiting.countDown();
            try {
                next = items.take();
                return true;
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw new IllegalStateException("interrupted while waiting for the source", e);
            }
        }

        @Override
        public Object next() {
            return next;
        }
    }

    /** Requests everything, and records the terminal signal. */
    static final class Recorder implements Flow.Subscriber<Object> {
        final CompletableFuture<Throwable> error = new CompletableFuture<>();
        volatile Flow.Subscription subscription;

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(Object item) {
        }

        @Override
        public void onError(Throwable throwable) {
            error.complete(throwable);
        }

        @Override
        public void onComplete() {
            error.complete(null);
        }
    }

    @Test
    void cancel_interruptsAHasNextThatWaits_andClosesTheSource() throws Exception {
        WaitingIterator iterator = new WaitingIterator();
        CountDownLatch closed = new CountDownLatch(1);
        Recorder recorder = new Recorder();
        new IteratorPublisher(iterator, closed::countDown, runtime.blockingReaders()).subscribe(recorder);
        assertTrue(iterator.waiting.await(10, TimeUnit.SECONDS), "reading");
        recorder.subscription.cancel();
        assertTrue(iterator.interrupted.await(10, TimeUnit.SECONDS), "the waiting hasNext() was interrupted");
        assertTrue(closed.await(10, TimeUnit.SECONDS), "the source was closed");
        assertTrue(!recorder.error.isDone(), "no signal after cancel");
    }

    @Test
    void fullReaderPool_failsTheNextStreamWithAMessageThatSaysSo() throws Exception {
        WaitingIterator first = new WaitingIterator();
        WaitingIterator second = new WaitingIterator();
        Recorder r1 = new Recorder();
        Recorder r2 = new Recorder();
        new IteratorPublisher(first, null, runtime.blockingReaders()).subscribe(r1);
        new IteratorPublisher(second, null, runtime.blockingReaders()).subscribe(r2);
        assertTrue(first.waiting.await(10, TimeUnit.SECONDS) && second.waiting.await(10, TimeUnit.SECONDS));

        Recorder third = new Recorder();
        new IteratorPublisher(java.util.List.of("x").iterator(), null, runtime.blockingReaders()).subscribe(third);
        Throwable error = third.error.get(10, TimeUnit.SECONDS);
        assertTrue(error != null && error.getMessage().startsWith("all 2 threads that read iterator sources are busy"),
                String.valueOf(error));

        r1.subscription.cancel(); // frees a thread
        assertTrue(first.interrupted.await(10, TimeUnit.SECONDS));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
            Recorder attempt = new Recorder();
            new IteratorPublisher(java.util.List.of("y").iterator(), null, runtime.blockingReaders())
                    .subscribe(attempt);
            return attempt.error.get(10, TimeUnit.SECONDS) == null;
        });
        r2.subscription.cancel();
    }
}
