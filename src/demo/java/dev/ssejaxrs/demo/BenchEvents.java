package dev.ssejaxrs.demo;

import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.ssejaxrs.event.SseEvent;

/** {@code n} events {@code id: i} / {@code data: <payload>}, made as fast as the stream asks for them. */
final class BenchEvents implements Flow.Publisher<Object> {
    private final long n;
    private final String payload;

    BenchEvents(long n, String payload) {
        this.n = n;
        this.payload = payload;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super Object> subscriber) {
        subscriber.onSubscribe(new Flow.Subscription() {
            private final AtomicLong demand = new AtomicLong();
            private final AtomicInteger wip = new AtomicInteger();
            private volatile boolean cancelled;
            private long next = 1;

            @Override
            public void request(long count) {
                demand.accumulateAndGet(count, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
                if (wip.getAndIncrement() != 0) {
                    return; // the running loop sees the new demand
                }
                do {
                    while (!cancelled && next <= n && demand.get() > 0) {
                        demand.decrementAndGet();
                        long id = next++;
                        subscriber.onNext(SseEvent.builder().id(Long.toString(id)).data(payload).build());
                    }
                    if (!cancelled && next > n) {
                        cancelled = true;
                        subscriber.onComplete();
                    }
                } while (wip.decrementAndGet() != 0);
            }

            @Override
            public void cancel() {
                cancelled = true;
            }
        });
    }
}
