package dev.ssejaxrs.broadcast;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.internal.core.CallbackFailure;
import dev.ssejaxrs.internal.store.ConnectionQueue;
import dev.ssejaxrs.stream.StreamOptions;
import dev.ssejaxrs.testing.EventStreamClient;
import dev.ssejaxrs.testing.OpenEventStream;

/**
 * Application code that throws (an access policy, a {@code latestPerKey} key function, {@code onClose}) ends only
 * the stream it was called for, with {@code CALLBACK_ERROR}, logged once: the fan-out, the other subscribers and
 * the queues go on as if nothing happened.
 */
class CallbacksContainedTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<LogRecord> warnings = new ArrayList<>();
    private final Logger queueLog = Logger.getLogger(ConnectionQueue.class.getName());
    private final Logger storeLog = Logger.getLogger("dev.ssejaxrs.internal.store.MemoryChannelStore");
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                synchronized (warnings) {
                    warnings.add(record);
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    CallbacksContainedTest() {
        queueLog.addHandler(capture);
        storeLog.addHandler(capture);
    }

    @AfterEach
    void stop() throws Exception {
        queueLog.removeHandler(capture);
        storeLog.removeHandler(capture);
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
    }

    private int warnings() {
        synchronized (warnings) {
            return warnings.size();
        }
    }

    /** Refuses nobody; throws when asked whether "mallory" may receive an event, while {@code throwing} is set. */
    private static AccessPolicy throwingFor(String name, AtomicBoolean throwing) {
        return new AccessPolicy() {
            @Override
            public String refusal(Address address, Caller caller) {
                return null;
            }

            @Override
            public boolean mayReceive(Address address, SseEvent event, Caller caller) {
                if (throwing.get() && name.equals(caller.name())) {
                    throw new IllegalStateException("the policy's database is down");
                }
                return true;
            }
        };
    }

    private BroadcastApp.Running app(RegistryOptions.Builder options) {
        BroadcastApp.Running app = new BroadcastApp.Running(options.build());
        open.add(app);
        return app;
    }

    private OpenEventStream stream(BroadcastApp.Running app, String path, String user) {
        OpenEventStream stream = EventStreamClient.open(app.target(path), Map.of("X-User", user));
        open.add(stream);
        return stream;
    }

    @Test
    void anAccessPolicyThatThrowsDuringAFanOut_endsThatSubscriberOnly_andTheOthersGetEveryEvent() {
        BroadcastApp.Running app = app(RegistryOptions.builder()
                .accessPolicy(throwingFor("mallory", new AtomicBoolean(true))));
        DeliveryChecker checker = DeliveryChecker.byId();
        OpenEventStream alice = stream(app, "topics/t", "alice");
        OpenEventStream mallory = stream(app, "topics/t", "mallory");
        OpenEventStream bob = stream(app, "topics/t", "bob");
        await().atMost(WAIT).until(() -> app.registry.stats(Address.topic("t")).subscribers() == 3);
        DeliveryChecker.Subscriber aliceGot = checker.startsNow("alice");
        DeliveryChecker.Subscriber bobGot = checker.startsNow("bob");
        for (int i = 0; i < 3; i++) {
            Delivery delivery = app.registry.publish("t", SseEvent.of("e" + i)).toCompletableFuture().join();
            checker.acknowledged(delivery.id());
        }
        aliceGot.received(alice.collect(3, WAIT));
        bobGot.received(bob.collect(3, WAIT));
        checker.verify();
        mallory.awaitEnd(WAIT);
        await().atMost(WAIT).until(() -> app.registry.stats().disconnects().getOrDefault("CALLBACK_ERROR", 0L) == 1);
        assertEquals(1, warnings(), "logged once: " + warnings);
    }

    @Test
    void anAccessPolicyThatThrowsDuringAJoin_refusesThatStream_andLeavesTheQueueForTheNextConnect() {
        AtomicBoolean throwing = new AtomicBoolean(true);
        BroadcastApp.Running app = app(RegistryOptions.builder().accessPolicy(throwingFor("mallory", throwing)));
        app.registry.publishToRecipient("mallory", SseEvent.of("waiting for mallory"));
        OpenEventStream refused = stream(app, "recipients/mallory", "mallory");
        refused.awaitEnd(WAIT);
        await().atMost(WAIT).until(() -> app.registry.stats().disconnects().getOrDefault("CALLBACK_ERROR", 0L) == 1);
        assertEquals(1, app.registry.stats(Address.recipient("mallory")).queued(), "the queue is untouched");
        assertEquals(1, warnings(), "logged once: " + warnings);
        throwing.set(false);
        assertEquals("waiting for mallory", stream(app, "recipients/mallory", "mallory").next(WAIT).data());
    }

    @Test
    void aKeyFunctionThatThrows_endsThatSubscriberWithTheCallbackError_andThePublishGoesOn() {
        SlowConsumerPolicy conflate = SlowConsumerPolicy.latestPerKey(event -> {
            throw new IllegalStateException("no key in " + event.data());
        });
        try (EventRegistry registry = new EventRegistry(RegistryOptions.builder().accessPolicy(AccessPolicy.anyone())
                .subscriberQueue(1).slowConsumerPolicy(conflate).build())) {
            Stalled stalled = new Stalled();
            registry.subscribe(Address.topic("k")).queue().subscribe(stalled); // reads nothing: its queue fills
            Collected reader = Collected.from(registry.subscribe(Address.topic("k")).queue());
            DeliveryChecker checker = DeliveryChecker.byData();
            DeliveryChecker.Subscriber readerGot = checker.startsNow("reader");
            registry.publish("k", SseEvent.of("fills the queue"));
            checker.acknowledged("fills the queue");
            Delivery overflow = registry.publish("k", SseEvent.of("overflows")).toCompletableFuture().join();
            checker.acknowledged("overflows");
            assertEquals(1, overflow.delivered(), overflow.toString()); // the reader
            assertEquals(1, overflow.dropped(), overflow.toString()); // the stalled one's
            assertInstanceOf(CallbackFailure.class, stalled.error);
            reader.await(2).stream().map(e -> new dev.ssejaxrs.testing.ReceivedEvent("message", e.data(),
                    e.id(), null)).forEach(readerGot::received);
            checker.verify();
            assertEquals(1, registry.stats().subscribers());
            assertEquals(1, warnings(), "logged once: " + warnings);
        }
    }

    @Test
    void anOnCloseThatThrows_touchesNeitherTheRegistryNorTheOtherSubscribers() {
        StreamOptions throwingOnClose = StreamOptions.builder().onClose(reason -> {
            throw new IllegalStateException("onClose failed for " + reason);
        }).build();
        BroadcastApp.Running app = app(RegistryOptions.builder().accessPolicy(AccessPolicy.anyone())
                .streamOptions(throwingOnClose));
        OpenEventStream leaving = stream(app, "topics/c", "a");
        OpenEventStream staying = stream(app, "topics/c", "b");
        await().atMost(WAIT).until(() -> app.registry.stats(Address.topic("c")).subscribers() == 2);
        leaving.close();
        await().atMost(WAIT).until(() -> app.registry.stats(Address.topic("c")).subscribers() == 1);
        await().atMost(WAIT).until(() -> app.registry.stats().disconnects().values().stream()
                .mapToLong(Long::longValue).sum() == 1);
        Delivery delivery = app.registry.publish("c", SseEvent.of("after the failed onClose"))
                .toCompletableFuture().join();
        assertEquals(1, delivery.delivered(), delivery.toString());
        assertEquals("after the failed onClose", staying.next(WAIT).data());
    }

    /** A stream that asks for nothing, so that its queue fills. */
    private static final class Stalled implements Flow.Subscriber<Object> {
        volatile Throwable error;

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
        }

        @Override
        public void onNext(Object item) {
        }

        @Override
        public void onError(Throwable throwable) {
            error = throwable;
        }

        @Override
        public void onComplete() {
        }
    }
}
