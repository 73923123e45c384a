package dev.ssejaxrs.broadcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.Flow;

import org.junit.jupiter.api.Test;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.internal.store.ConnectionQueue;

/** A subscriber's queue joins its addresses only when its stream subscribes, and streams once. */
class ConnectionQueueTest {

    @Test
    void openingAStreamThatNeverStarts_joinsNothing() {
        try (EventRegistry registry = new EventRegistry(RegistryOptions.defaults())) {
            registry.subscribe(Address.topic("t"), Address.topic("u")).lastEventId("1-0").open();
            assertEquals(0, registry.stats().addresses());
            assertEquals(0, registry.stats().subscribers());
        }
    }

    @Test
    void subscribing_joins_andCancelling_leaves() {
        try (EventRegistry registry = new EventRegistry(RegistryOptions.defaults())) {
            ConnectionQueue queue = registry.subscribe(Address.topic("t")).queue();
            assertEquals(0, registry.stats(Address.topic("t")).subscribers());
            Collected collected = Collected.from(queue);
            assertEquals(1, registry.stats(Address.topic("t")).subscribers());
            registry.publish("t", SseEvent.of("x"));
            assertEquals(List.of("x"), collected.data());
            collected.cancel();
            collected.cancel();
            assertEquals(0, registry.stats().subscribers());
        }
    }

    @Test
    void aSecondSubscriber_getsOnSubscribeThenOnError_rule1_9() {
        try (EventRegistry registry = new EventRegistry(RegistryOptions.defaults())) {
            ConnectionQueue queue = registry.subscribe(Address.topic("t")).queue();
            Collected first = Collected.from(queue);
            Collected second = Collected.from(queue);
            assertInstanceOf(IllegalStateException.class, second.error());
            assertEquals(1, registry.stats().subscribers());
            registry.publish("t", SseEvent.of("still streams"));
            assertEquals(List.of("still streams"), first.data());
            assertTrue(second.data().isEmpty());
        }
    }

    @Test
    void nothingReachesTheStreamBeforeItsOnSubscribe() {
        try (EventRegistry registry = new EventRegistry(RegistryOptions.defaults())) {
            registry.publishToRecipient("r", SseEvent.of("waited"));
            StringBuilder signals = new StringBuilder();
            registry.subscribe(Address.recipient("r")).greeting(SseEvent.of("hello")).queue()
                    .subscribe(new Flow.Subscriber<Object>() {
                        @Override
                        public void onSubscribe(Flow.Subscription s) {
                            signals.append("subscribe;");
                            s.request(10);
                            signals.append("requested;");
                        }

                        @Override
                        public void onNext(Object item) {
                            signals.append(((SseEvent) item).data()).append(';');
                        }

                        @Override
                        public void onError(Throwable t) {
                            signals.append("error;");
                        }

                        @Override
                        public void onComplete() {
                            signals.append("complete;");
                        }
                    });
            assertEquals("subscribe;requested;hello;waited;", signals.toString());
        }
    }
}
