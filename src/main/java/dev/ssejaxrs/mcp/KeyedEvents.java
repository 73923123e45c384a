package dev.ssejaxrs.mcp;

import java.util.Objects;
import java.util.concurrent.Flow;

import dev.ssejaxrs.event.SseEvent;

/**
 * The events of one MCP stream as its client sees them: a registry subscription's events, each id prefixed with the
 * stream's key ({@code <key>_<registry id>}), so that a {@code Last-Event-ID} names the stream it resumes; the stream
 * ends (completes) at the stream's end marker, which is not sent.
 *
 * <p>Threads: the upstream (the registry's subscriber queue) signals serially, as the Reactive Streams rules ask;
 * {@link #done} is only touched by those signals, and demand and cancellation pass straight through.
 */
final class KeyedEvents implements Flow.Publisher<Object> {
    /** Between the stream key and the registry id in an event id on the wire. */
    static final char SEPARATOR = '_';
    /** The event name of the marker that ends a stream (published when the SDK closes it; never sent). */
    static final String END = "mcp-stream-end";

    private final Flow.Publisher<?> upstream;
    private final String key;

    KeyedEvents(Flow.Publisher<?> upstream, String key) {
        this.upstream = Objects.requireNonNull(upstream, "upstream");
        this.key = Objects.requireNonNull(key, "key");
    }

    @Override
    public void subscribe(Flow.Subscriber<? super Object> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        upstream.subscribe(new Mapper(subscriber));
    }

    private final class Mapper implements Flow.Subscriber<Object>, Flow.Subscription {
        private final Flow.Subscriber<? super Object> downstream;
        private Flow.Subscription subscription;
        private boolean done;

        Mapper(Flow.Subscriber<? super Object> downstream) {
            this.downstream = downstream;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            downstream.onSubscribe(this);
        }

        @Override
        public void onNext(Object item) {
            if (done) {
                return;
            }
            if (item instanceof SseEvent event) {
                if (END.equals(event.event())) {
                    done = true;
                    subscription.cancel();
                    downstream.onComplete();
                    return;
                }
                if (event.id() != null && !event.id().isEmpty()) {
                    item = event.withId(key + SEPARATOR + event.id());
                }
            }
            downstream.onNext(item);
        }

        @Override
        public void onError(Throwable error) {
            if (!done) {
                done = true;
                downstream.onError(error);
            }
        }

        @Override
        public void onComplete() {
            if (!done) {
                done = true;
                downstream.onComplete();
            }
        }

        @Override
        public void request(long n) {
            subscription.request(n);
        }

        @Override
        public void cancel() {
            subscription.cancel();
        }
    }
}
