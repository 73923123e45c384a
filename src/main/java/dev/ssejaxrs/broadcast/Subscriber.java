package dev.ssejaxrs.broadcast;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.ws.rs.core.SecurityContext;

import dev.ssejaxrs.event.SseEvent;

/**
 * One subscriber connection: its bounded queue and the publisher its event stream reads. Publishing threads
 * {@link #offer} events (under the channel's lock); the stream asks for them with {@link #request}; one drain at a
 * time (guarded by {@link #wip}) hands queued events to the stream, outside this object's monitor.
 */
final class Subscriber implements Flow.Publisher<Object>, Flow.Subscription {
    enum Offer { DELIVERED, DELIVERED_DROPPING_ONE, DISCONNECTED, REFUSED }

    private final Channel channel;
    private final SecurityContext caller;
    private final int capacity;
    private final SlowConsumerPolicy policy;
    private final ArrayDeque<SseEvent> queue;
    private final AtomicInteger wip = new AtomicInteger();
    private Flow.Subscriber<? super Object> stream;
    private long demand;
    private boolean cancelled;
    private boolean completing;
    private boolean completed;
    private volatile boolean slow;

    Subscriber(Channel channel, SecurityContext caller, RegistryOptions options, List<SseEvent> first) {
        this.channel = channel;
        this.caller = caller;
        this.capacity = options.subscriberQueueSize;
        this.policy = options.slowConsumerPolicy;
        this.queue = new ArrayDeque<>(Math.min(64, first.size() + 16));
        queue.addAll(first); // a replay may exceed the capacity once
    }

    SecurityContext caller() {
        return caller;
    }

    /** Whether the slow-consumer policy ended this subscriber. */
    boolean endedAsSlow() {
        return slow;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super Object> subscriber) {
        synchronized (this) {
            if (stream != null) {
                throw new IllegalStateException("a subscription is streamed once");
            }
            stream = subscriber;
        }
        subscriber.onSubscribe(this);
        drain();
    }

    /** Takes one event into the queue, applying the slow-consumer policy when it is full. */
    Offer offer(SseEvent event) {
        Offer result;
        synchronized (this) {
            if (cancelled || completing) {
                return Offer.REFUSED;
            }
            if (queue.size() < capacity) {
                queue.add(event);
                result = Offer.DELIVERED;
            } else {
                result = applyPolicy(event);
            }
        }
        drain();
        return result;
    }

    private Offer applyPolicy(SseEvent event) {
        switch (policy.kind) {
            case DISCONNECT -> {
                // the client reconnects with its last id and catches up from the history
                queue.clear();
                completing = true;
                slow = true;
                return Offer.DISCONNECTED;
            }
            case LATEST_PER_KEY -> {
                String key = policy.key.apply(event);
                for (Iterator<SseEvent> it = queue.iterator(); it.hasNext(); ) {
                    if (java.util.Objects.equals(policy.key.apply(it.next()), key)) {
                        it.remove();
                        queue.add(event);
                        return Offer.DELIVERED_DROPPING_ONE;
                    }
                }
                queue.poll();
                queue.add(event);
                return Offer.DELIVERED_DROPPING_ONE;
            }
            default -> {
                queue.poll();
                queue.add(event);
                return Offer.DELIVERED_DROPPING_ONE;
            }
        }
    }

    /** Ends this subscriber's stream after what is already queued (its client reconnects and catches up). */
    void end() {
        synchronized (this) {
            if (cancelled || completing) {
                return;
            }
            completing = true;
        }
        drain();
    }

    @Override
    public void request(long n) {
        if (n <= 0) {
            cancel();
            stream.onError(new IllegalArgumentException("request must be positive (rule 3.9): " + n));
            return;
        }
        synchronized (this) {
            demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
        }
        drain();
    }

    @Override
    public void cancel() {
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            queue.clear();
        }
        channel.remove(this);
    }

    private void drain() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            while (true) {
                SseEvent next = null;
                boolean complete = false;
                synchronized (this) {
                    if (stream == null || cancelled) {
                        break;
                    }
                    if (demand > 0 && !queue.isEmpty()) {
                        next = queue.poll();
                        demand--;
                    } else if (completing && queue.isEmpty() && !completed) {
                        completed = true;
                        complete = true;
                    }
                }
                if (next != null) {
                    stream.onNext(next);
                } else {
                    if (complete) {
                        channel.remove(this);
                        stream.onComplete();
                    }
                    break;
                }
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }
}
