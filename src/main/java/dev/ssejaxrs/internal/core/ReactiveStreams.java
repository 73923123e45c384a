package dev.ssejaxrs.internal.core;

import java.util.concurrent.Flow;

import org.reactivestreams.FlowAdapters;
import org.reactivestreams.Publisher;


/**
 * The bridge from {@code org.reactivestreams} to {@link Flow}, in a class of its own so that nothing else refers to
 * the optional Reactive Streams jar: it is loaded only when {@code EventStream.ofReactive} is called.
 */
public final class ReactiveStreams {
    private ReactiveStreams() {
    }

    public static Flow.Publisher<?> toFlow(Publisher<?> publisher) {
        return FlowAdapters.toFlowPublisher(publisher);
    }
}
