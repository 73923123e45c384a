package dev.ssejaxrs.stream;

import java.lang.System.Logger.Level;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes the items of an iterator to one subscriber, reading it on a worker thread only while there is demand,
 * so a blocking {@code hasNext()} never holds the request thread. The iterator's resource (a
 * {@code java.util.stream.Stream}, say) is closed once, when the stream ends or is cancelled.
 */
final class IteratorPublisher implements Flow.Publisher<Object> {
    private static final System.Logger LOG = System.getLogger(IteratorPublisher.class.getName());

    private final Iterator<?> iterator;
    private final AutoCloseable resource;
    private final Executor executor;
    private final AtomicBoolean subscribed = new AtomicBoolean();

    IteratorPublisher(Iterator<?> iterator, AutoCloseable resource, Executor executor) {
        this.iterator = iterator;
        this.resource = resource;
        this.executor = executor;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super Object> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        if (!subscribed.compareAndSet(false, true)) {
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                }

                @Override
                public void cancel() {
                }
            });
            subscriber.onError(new IllegalStateException("an iterator can be streamed only once"));
            return;
        }
        subscriber.onSubscribe(new IteratorSubscription(subscriber));
    }

    /** Demand is counted here; one reading task at a time runs while demand is positive. */
    private final class IteratorSubscription implements Flow.Subscription, Runnable {
        private final Flow.Subscriber<? super Object> subscriber;
        private final AtomicLong demand = new AtomicLong();
        private final AtomicBoolean closed = new AtomicBoolean();
        private volatile boolean cancelled;

        IteratorSubscription(Flow.Subscriber<? super Object> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                cancel();
                subscriber.onError(new IllegalArgumentException("request must be positive (rule 3.9): " + n));
                return;
            }
            if (demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b) == 0) {
                executor.execute(this);
            }
        }

        @Override
        public void cancel() {
            cancelled = true;
            if (demand.getAndIncrement() == 0) {
                executor.execute(this); // close the resource on the reading thread
            }
        }

        @Override
        public void run() {
            long done = 0;
            try {
                while (true) {
                    long wanted = demand.get();
                    while (done < wanted && !cancelled) {
                        if (!iterator.hasNext()) {
                            cancelled = true;
                            closeResource();
                            subscriber.onComplete();
                            return;
                        }
                        subscriber.onNext(iterator.next());
                        done++;
                    }
                    if (cancelled) {
                        closeResource();
                        return;
                    }
                    if (demand.addAndGet(-done) == 0) {
                        return;
                    }
                    done = 0;
                }
            } catch (RuntimeException e) {
                cancelled = true;
                closeResource();
                subscriber.onError(e);
            }
        }

        private void closeResource() {
            if (resource != null && closed.compareAndSet(false, true)) {
                try {
                    resource.close();
                } catch (Exception e) {
                    LOG.log(Level.WARNING, "closing the source of an event stream failed", e);
                }
            }
        }
    }
}
