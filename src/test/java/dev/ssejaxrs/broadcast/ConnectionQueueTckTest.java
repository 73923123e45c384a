package dev.ssejaxrs.broadcast;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;

import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.annotations.AfterMethod;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.internal.store.ConnectionQueue;

/**
 * The Reactive Streams TCK's publisher rules, checked against a subscriber's queue: {@code n} events wait for a
 * recipient, the queue subscribes (replaying them), and the registry ends the subscription after what is queued.
 * (Run by the TestNG engine on the JUnit Platform.)
 */
public class ConnectionQueueTckTest extends FlowPublisherVerification<Object> {
    private static final int MAX = 1024;
    private final List<EventRegistry> registries = new ArrayList<>();

    public ConnectionQueueTckTest() {
        super(new TestEnvironment(500));
    }

    @Override
    public Flow.Publisher<Object> createFlowPublisher(long elements) {
        EventRegistry registry = new EventRegistry(RegistryOptions.builder().accessPolicy(AccessPolicy.anyone())
                .offlineQueue(MAX, Duration.ofMinutes(1)).history(MAX, Duration.ofMinutes(1)).build());
        registries.add(registry);
        Address recipient = Address.recipient("tck");
        for (long i = 0; i < elements; i++) {
            registry.publish(recipient, SseEvent.of("e" + i));
        }
        ConnectionQueue queue = registry.subscribe(recipient).queue();
        return subscriber -> {
            queue.subscribe(subscriber);
            registry.disconnectAll(recipient); // ends after the replayed events
        };
    }

    @Override
    public Flow.Publisher<Object> createFailedFlowPublisher() {
        EventRegistry closed = new EventRegistry(RegistryOptions.defaults());
        closed.close(); // joining a closed registry fails: onSubscribe, then onError
        return closed.subscribe(Address.topic("t")).queue();
    }

    @AfterMethod
    public void closeRegistries() {
        registries.forEach(EventRegistry::close);
        registries.clear();
    }

    @Override
    public long maxElementsFromPublisher() {
        return MAX;
    }
}
