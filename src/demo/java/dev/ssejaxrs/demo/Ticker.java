package dev.ssejaxrs.demo;

import java.time.Duration;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * A publisher of timed items driven by one shared clock thread: item {@code i} (from 1) every {@code period},
 * {@code count} items (or without end when negative), then completion after {@code linger}. No thread waits per
 * subscriber. All signals come from the clock thread, so they are serial. A tick that finds no demand (the client
 * is slow) is skipped rather than queued.
 */
final class Ticker implements Flow.Publisher<Object> {
    private final ScheduledExecutorService clock;
    private final Duration period;
    private final long count;
    private final LongFunction<Object> item;
    private final Duration linger;
    private final Runnable onCancel;

    Ticker(ScheduledExecutorService clock, Duration period, long count, LongFunction<Object> item, Duration linger,
            Runnable onCancel) {
        this.clock = clock;
        this.period = period;
        this.count = count;
        this.item = item;
        this.linger = linger;
        this.onCancel = onCancel;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super Object> subscriber) {
        Tick tick = new Tick(subscriber);
        subscriber.onSubscribe(tick);
        tick.future = clock.scheduleAtFixedRate(tick, 0, period.toNanos(), TimeUnit.NANOSECONDS);
    }

    private final class Tick implements Flow.Subscription, Runnable {
        private final Flow.Subscriber<? super Object> subscriber;
        private final AtomicLong demand = new AtomicLong();
        private volatile boolean cancelled;
        private volatile ScheduledFuture<?> future;
        private long next = 1;

        Tick(Flow.Subscriber<? super Object> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void run() {
            if (cancelled) {
                return;
            }
            if (count >= 0 && next > count) {
                future.cancel(false);
                clock.schedule(() -> {
                    if (!cancelled) {
                        subscriber.onComplete();
                    }
                }, linger.toNanos(), TimeUnit.NANOSECONDS);
                return;
            }
            if (demand.get() > 0) {
                demand.decrementAndGet();
                subscriber.onNext(item.apply(next));
            }
            next++;
        }

        @Override
        public void request(long n) {
            demand.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
        }

        @Override
        public void cancel() {
            if (!cancelled) {
                cancelled = true;
                ScheduledFuture<?> f = future;
                if (f != null) {
                    f.cancel(false);
                }
                onCancel.run();
            }
        }
    }
}
