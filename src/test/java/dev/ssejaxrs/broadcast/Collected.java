package dev.ssejaxrs.broadcast;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;

import dev.ssejaxrs.event.SseEvent;

/** A subscriber that takes everything a registry queue hands it, for tests without HTTP. */
public final class Collected implements Flow.Subscriber<Object> {
    private final List<SseEvent> events = new ArrayList<>();
    private Flow.Subscription subscription;
    private Throwable error;
    private boolean completed;

    /** Subscribes a new collector to {@code queue}. */
    public static Collected from(Flow.Publisher<Object> queue) {
        Collected collected = new Collected();
        queue.subscribe(collected);
        return collected;
    }

    @Override
    public synchronized void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(Long.MAX_VALUE);
    }

    @Override
    public synchronized void onNext(Object item) {
        events.add((SseEvent) item);
    }

    @Override
    public synchronized void onError(Throwable t) {
        error = t;
    }

    @Override
    public synchronized void onComplete() {
        completed = true;
    }

    public synchronized List<SseEvent> events() {
        return List.copyOf(events);
    }

    public synchronized List<String> data() {
        return events.stream().map(SseEvent::data).toList();
    }

    synchronized Throwable error() {
        return error;
    }

    synchronized boolean completed() {
        return completed;
    }

    /** Waits until {@code n} events have arrived; returns them. */
    public List<SseEvent> await(int n) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> events().size() >= n);
        return events();
    }

    public void cancel() {
        Flow.Subscription s;
        synchronized (this) {
            s = subscription;
        }
        s.cancel();
    }
}
