package dev.ssejaxrs.broadcast;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.testing.EventStreamClient;
import dev.ssejaxrs.testing.OpenEventStream;

/**
 * A client that publishes as soon as its stream's head arrives (a browser posting from {@code onopen}) receives
 * its event, whatever the thread timing: the subscription is in place before the head leaves.
 */
class SubscribeThenPublishTest {
    /**
     * Each try is a new topic, so that nothing but the subscription of that one stream can deliver the event. Before
     * the subscription took its position when it opened, about 3 tries in 10 lost the event on a busy machine (185 of
     * 600), and this test failed at its first.
     */
    private static final int TRIES = 100;
    /** How long an event may take to arrive before the try counts as lost. */
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final BroadcastApp.Running app = new BroadcastApp.Running(options());
    private final AtomicBoolean spinning = new AtomicBoolean(true);
    private final List<Thread> spinners = new ArrayList<>();

    /** The registry under test: in memory here, on Redis in {@code RedisSubscribeThenPublishTest}. */
    RegistryOptions options() {
        return RegistryOptions.builder().accessPolicy(AccessPolicy.anyone()).build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        spinning.set(false);
        for (Thread spinner : spinners) {
            spinner.join();
        }
        app.close();
    }

    /** Keeps every core busy, so that the server's threads are preempted at arbitrary points. */
    private void keepTheCoresBusy() {
        int count = Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < count; i++) {
            Thread spinner = new Thread(() -> {
                long x = 0;
                while (spinning.get()) {
                    x += System.nanoTime() & 1;
                }
                if (x == 42) {
                    System.out.print(""); // keeps the loop from being optimised away
                }
            }, "spinner-" + i);
            spinner.setDaemon(true);
            spinner.start();
            spinners.add(spinner);
        }
    }

    @Test
    void anEventPublishedOnceTheHeadArrived_isDelivered_everyTime() {
        keepTheCoresBusy();
        DeliveryChecker checker = DeliveryChecker.byId();
        for (int i = 0; i < TRIES; i++) {
            String topic = "new-" + i;
            try (OpenEventStream stream = EventStreamClient.open(app.target("topics/" + topic))) {
                assertEquals(200, stream.status());
                DeliveryChecker.Subscriber subscriber = checker.on(topic, Set.of(Address.topic(topic)));
                Delivery delivery = app.registry.publish(topic, SseEvent.of("after the head " + i))
                        .toCompletableFuture().join();
                checker.acknowledged(Address.topic(topic), delivery.id());
                try {
                    subscriber.received(stream.next(WAIT));
                } catch (AssertionError nothingArrived) {
                    checker.verify(); // fails with the accounting: the event went only to the history
                    throw nothingArrived;
                }
            }
        }
        checker.verify();
    }
}
