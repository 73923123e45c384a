package dev.ssejaxrs.internal.core;

import java.lang.System.Logger.Level;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes the items of an iterator to one subscriber, reading it on a worker thread only while there is demand,
 * so a blocking {@code hasNext()} never holds the request thread. The iterator's resource (a
 * {@code java.util.stream.Stream}, say) is closed once, when the stream ends or is cancelled.
 *
 * <p>Threads: {@code request} and {@code cancel} may come from any thread; they only record what was asked and
 * make sure one reading task runs (guarded by a work-in-progress counter). That task alone calls the iterator and
 * signals the subscriber, so signals are serial (rule 1.3), also {@code onError} for a bad {@code request(n)}.
 * {@code cancel} interrupts a reading task that waits in {@code hasNext()} or {@code next()}. When the executor
 * refuses the task (the application is stopping, or every reader thread is busy), the stream ends with an error
 * that says so, and {@code request} and {@code cancel} still return normally (rules 3.15, 3.16).
 */
public final class IteratorPublisher implements Flow.Publisher<Object> {
    private static final System.Logger LOG = System.getLogger(IteratorPublisher.class.getName());

    private final Iterator<?> iterator;
    private final AutoCloseable resource;
    private final Executor executor;
    private final AtomicBoolean subscribed = new AtomicBoolean();

    public IteratorPublisher(Iterator<?> iterator, AutoCloseable resource, Executor executor) {
        this.iterator = iterator;
        this.resource = resource;
        this.executor = executor;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super Object> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber"); // rule 1.9
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
        IteratorSubscription subscription = new IteratorSubscription(subscriber);
        subscriber.onSubscribe(subscription); // no reading task starts before it returns (rule 1.3)
        subscription.subscribed();
    }

    private final class IteratorSubscription implements Flow.Subscription, Runnable {
        private final Flow.Subscriber<? super Object> subscriber;
        private final AtomicLong demand = new AtomicLong();
        private final AtomicInteger wip = new AtomicInteger();
        private final AtomicBoolean closed = new AtomicBoolean();
        private volatile boolean cancelled;
        private volatile Throwable badRequest;
        /** The thread reading the iterator now, if any; guarded by this subscription's monitor. */
        private Thread reader;
        /** Owned by the reading task. */
        private boolean done;

        IteratorSubscription(Flow.Subscriber<? super Object> subscriber) {
            this.subscriber = subscriber;
            wip.set(1); // held by onSubscribe
        }

        void subscribed() {
            if (wip.decrementAndGet() != 0) {
                submit(); // requested inside onSubscribe
            }
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                badRequest = new IllegalArgumentException("request must be positive (rule 3.9): " + n);
            } else {
                demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
            }
            schedule();
        }

        @Override
        public void cancel() {
            cancelled = true;
            synchronized (this) {
                if (reader != null) {
                    reader.interrupt(); // a hasNext() that waits for its source gives up
                }
            }
            schedule(); // close the resource on the reading thread, after a read in progress
        }

        private void schedule() {
            if (wip.getAndIncrement() == 0) {
                submit();
            }
        }

        private void submit() {
            try {
                executor.execute(this);
            } catch (RejectedExecutionException refused) {
                // no reading task runs, and wip stays taken: signalling here is still serial
                done = true;
                closeResource();
                if (!cancelled) {
                    subscriber.onError(refusal(refused));
                }
            }
        }

        private RejectedExecutionException refusal(RejectedExecutionException refused) {
            if (executor instanceof ExecutorService service && service.isShutdown()) {
                return new RejectedExecutionException("the application is stopping: no thread reads this "
                        + "iterator any more", refused);
            }
            String message = refused.getMessage() != null ? refused.getMessage()
                    : "no thread is free to read this iterator";
            LOG.log(Level.WARNING, message);
            return new RejectedExecutionException(message, refused);
        }

        @Override
        public void run() {
            synchronized (this) {
                reader = Thread.currentThread();
            }
            try {
                read();
            } finally {
                synchronized (this) {
                    reader = null;
                    Thread.interrupted(); // an interrupt from cancel() must not reach the pool's next task
                }
            }
        }

        private void read() {
            int missed = 1;
            try {
                while (true) {
                    if (done) {
                        return;
                    }
                    if (cancelled) {
                        finish(null, false);
                        return;
                    }
                    Throwable bad = badRequest;
                    if (bad != null) {
                        finish(bad, false);
                        return;
                    }
                    long wanted = demand.get();
                    long emitted = 0;
                    while (emitted < wanted && !cancelled) {
                        if (!iterator.hasNext()) {
                            finish(null, true);
                            return;
                        }
                        Object item = iterator.next();
                        if (item == null) {
                            finish(new NullPointerException("the iterator returned a null item"), false);
                            return;
                        }
                        subscriber.onNext(item);
                        emitted++;
                    }
                    if (emitted > 0 && wanted != Long.MAX_VALUE) {
                        demand.addAndGet(-emitted);
                    }
                    if (emitted == 0 || cancelled || badRequest != null) {
                        missed = wip.addAndGet(-missed);
                        if (missed == 0) {
                            return;
                        }
                    }
                }
            } catch (RuntimeException | Error e) {
                if (!done) {
                    finish(cancelled ? null : e, false);
                }
                if (e instanceof Error error && !cancelled) {
                    throw error;
                }
            }
        }

        /** Ends the subscription: closes the resource, then signals completion or the error (unless cancelled). */
        private void finish(Throwable error, boolean complete) {
            done = true;
            closeResource();
            if (cancelled) {
                return;
            }
            if (error != null) {
                subscriber.onError(error);
            } else if (complete) {
                subscriber.onComplete();
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
