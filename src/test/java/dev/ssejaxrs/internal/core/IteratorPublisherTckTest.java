package dev.ssejaxrs.internal.core;

import java.util.Iterator;
import java.util.concurrent.Flow;

import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.annotations.AfterClass;

/**
 * The Reactive Streams TCK's publisher rules, checked against the publisher that reads iterator and
 * {@code java.util.stream.Stream} sources, on the reader pool of a real runtime. (Run by the TestNG engine on the
 * JUnit Platform.)
 */
public class IteratorPublisherTckTest extends FlowPublisherVerification<Object> {
    private final StreamEngine runtime = new StreamEngine();

    public IteratorPublisherTckTest() {
        super(new TestEnvironment(500));
    }

    @Override
    public Flow.Publisher<Object> createFlowPublisher(long elements) {
        return new IteratorPublisher(counting(elements), null, runtime.blockingReaders());
    }

    /** An iterator can be streamed once: a publisher already subscribed to is in its failed state. */
    @Override
    public Flow.Publisher<Object> createFailedFlowPublisher() {
        IteratorPublisher used = new IteratorPublisher(counting(1), null, runtime.blockingReaders());
        used.subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.cancel();
            }

            @Override
            public void onNext(Object item) {
            }

            @Override
            public void onError(Throwable throwable) {
            }

            @Override
            public void onComplete() {
            }
        });
        return used;
    }

    private static Iterator<Object> counting(long elements) {
        return new Iterator<>() {
            private long next;

            @Override
            public boolean hasNext() {
                return next < elements;
            }

            @Override
            public Object next() {
                return "element " + next++;
            }
        };
    }

    @AfterClass
    public void stopRuntime() {
        runtime.shutdown();
    }
}
