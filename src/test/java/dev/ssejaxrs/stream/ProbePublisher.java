package dev.ssejaxrs.stream;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A publisher for tests that records what its subscriber asked for: every request, the largest single request,
 * and cancellation. Items are emitted by the test ({@link #emit}) or, with a generator, as fast as demand allows.
 */
final class ProbePublisher implements Flow.Publisher<Object> {
    final AtomicLong requested = new AtomicLong();
    final AtomicLong largestRequest = new AtomicLong();
    final AtomicLong emitted = new AtomicLong();
    final CountDownLatch subscribed = new CountDownLatch(1);
    final CountDownLatch cancelled = new CountDownLatch(1);
    private final AtomicLong demand = new AtomicLong();
    private final Supplier<Object> generator;
    private volatile Flow.Subscriber<? super Object> subscriber;
    private boolean terminated;

    ProbePublisher() {
        this(null);
    }

    /** Emits {@code generator}'s items whenever there is demand, until cancelled. */
    ProbePublisher(Supplier<Object> generator) {
        this.generator = generator;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super Object> s) {
        subscriber = s;
        s.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
                requested.addAndGet(n);
                largestRequest.accumulateAndGet(n, Math::max);
                demand.addAndGet(n);
                if (generator != null) {
                    generate();
                }
            }

            @Override
            public void cancel() {
                cancelled.countDown();
            }
        });
        subscribed.countDown();
    }

    boolean isCancelled() {
        return cancelled.getCount() == 0;
    }

    boolean awaitCancelled(long seconds) throws InterruptedException {
        return cancelled.await(seconds, TimeUnit.SECONDS);
    }

    void awaitSubscribed() throws InterruptedException {
        if (!subscribed.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("never subscribed");
        }
    }

    /** Emits one item if the subscriber asked for one; returns whether it did. */
    synchronized boolean emit(Object item) {
        if (terminated || isCancelled() || demand.get() <= 0) {
            return false;
        }
        demand.decrementAndGet();
        emitted.incrementAndGet();
        subscriber.onNext(item);
        return true;
    }

    synchronized void complete() {
        if (!terminated) {
            terminated = true;
            subscriber.onComplete();
        }
    }

    synchronized void fail(Throwable error) {
        if (!terminated) {
            terminated = true;
            subscriber.onError(error);
        }
    }

    private synchronized void generate() {
        while (!terminated && !isCancelled() && demand.get() > 0) {
            emit(generator.get());
        }
    }
}
