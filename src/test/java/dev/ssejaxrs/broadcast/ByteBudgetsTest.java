package dev.ssejaxrs.broadcast;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Flow;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;

import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.event.LineSeparator;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.internal.store.ConnectionQueue;
import dev.ssejaxrs.test.RawClient;
import dev.ssejaxrs.test.TestServer;
import dev.ssejaxrs.testing.EventStreamClient;
import dev.ssejaxrs.testing.OpenEventStream;
import dev.ssejaxrs.testing.ReceivedEvent;

/**
 * Bytes, not only counts (issue 29, item 3): histories, offline queues and subscriber queues are bounded in bytes,
 * and what a byte budget pushes out is signalled as the count budgets' losses are (the next connect's or resume's
 * {@code replay-incomplete}, {@link Delivery#dropped()}, {@code stats().dropped()}); an event over
 * {@code maxEventSize} is refused at {@code publish}, and answered with 413 JSON over HTTP.
 */
class ByteBudgetsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Room for two events of {@link #FOUR_KB} with their ids, not three. */
    private static final int TEN_KB = 10_000;
    private static final String FOUR_KB = "b".repeat(4_000);
    private final List<BroadcastApp.Running> apps = new ArrayList<>();

    @AfterEach
    void stop() {
        apps.forEach(BroadcastApp.Running::close);
    }

    private BroadcastApp.Running app(RegistryOptions.Builder options) {
        BroadcastApp.Running app = new BroadcastApp.Running(options.accessPolicy(AccessPolicy.anyone()).build());
        apps.add(app);
        return app;
    }

    private static SseEvent fourKb(int n) {
        return SseEvent.builder().event("e" + n).data(FOUR_KB).build();
    }

    @Test
    void anEventOverMaxEventSize_isRefusedAtPublish_namingItsSizeAndTheLimit_andNothingIsStored() {
        BroadcastApp.Running app = app(RegistryOptions.builder().maxEventSize(1024));
        SseEvent big = SseEvent.of("x".repeat(2_000));
        int size = big.encodedLength(LineSeparator.CRLF);
        EventTooLargeException refused = assertThrows(EventTooLargeException.class,
                () -> app.registry.publish("news", big));
        assertEquals("event of " + size + " bytes to topic news is larger than maxEventSize, 1024 bytes",
                refused.getMessage());
        assertEquals(size, refused.size());
        assertEquals(1024, refused.limit());
        assertEquals(0, app.registry.stats(Address.topic("news")).published(), "nothing stored");
        assertEquals(1L, app.registry.refusals().get("maxEventSize"), app.registry.refusals().toString());

        SseEvent atTheLimit = SseEvent.of("y".repeat(1024 - "data: \r\n\r\n".length()));
        assertEquals(1024, atTheLimit.encodedLength(LineSeparator.CRLF));
        app.registry.publish("news", atTheLimit).toCompletableFuture().join();
        assertEquals(1, app.registry.stats(Address.topic("news")).published(), "an event of exactly the limit");
        assertEquals(64 * 1024, RegistryOptions.defaults().maxEventSize(), "the documented default");
    }

    /** Publishes the request body to a topic, letting the registry's exceptions through. */
    @Path("publish/{topic}")
    public static final class Publisher {
        @Context
        private EventRegistry registry;

        @POST
        public String publish(@PathParam("topic") String topic, String body) {
            return registry.publish(topic, SseEvent.of(body)).toCompletableFuture().join().id();
        }
    }

    @Test
    void aResourceMethodThatPublishesTooLargeAnEvent_answers413WithAJsonReason_notA500() {
        try (EventRegistry registry = new EventRegistry(RegistryOptions.builder().maxEventSize(100).build());
                TestServer server = TestServer.start(new ResourceConfig(Publisher.class)
                        .register(new BroadcastFeature(registry)));
                RawClient tooLarge = RawClient.request(server.port, "POST", "/publish/news", "z".repeat(200), 0,
                        "Content-Type: text/plain");
                RawClient fits = RawClient.request(server.port, "POST", "/publish/news", "small", 0,
                        "Content-Type: text/plain")) {
            String body = tooLarge.readToEnd(WAIT);
            assertEquals(413, tooLarge.status(), tooLarge.head() + body);
            assertTrue(tooLarge.header("Content-Type").startsWith("application/json"), tooLarge.head());
            assertEquals("{\"error\":\"event of 210 bytes to topic news is larger than maxEventSize, 100 bytes\"}",
                    body);
            fits.readToEnd(WAIT);
            assertEquals(200, fits.status(), fits.head());
        }
    }

    @Test
    void aHistoryOverItsBytes_dropsTheOldest_andAResumeFromBeforeThemGetsReplayIncomplete() {
        BroadcastApp.Running app = app(RegistryOptions.builder().historyBytes(TEN_KB));
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            ids.add(app.registry.publish("news", fourKb(i)).toCompletableFuture().join().id());
        }
        assertEquals(2, app.registry.stats(Address.topic("news")).retained(), "two events of 4 kB in 10 kB");
        try (OpenEventStream resumed = EventStreamClient.open(app.target("topics/news"), ids.get(0))) {
            assertEquals("replay-incomplete", resumed.next(WAIT).type(), "events 2 and 3 went for bytes: told");
            assertEquals("e4", resumed.next(WAIT).type());
            assertEquals("e5", resumed.next(WAIT).type());
        }
        try (OpenEventStream exact = EventStreamClient.open(app.target("topics/news"), ids.get(2))) {
            assertEquals("e4", exact.next(WAIT).type(), "after event 3 nothing is missing: no loss event");
            assertEquals("e5", exact.next(WAIT).type());
        }
    }

    @Test
    void anOfflineQueueOverItsBytes_dropsTheOldest_countsThem_andTellsTheRecipientsNextConnect() {
        BroadcastApp.Running app = app(RegistryOptions.builder().offlineQueueBytes(TEN_KB));
        DeliveryChecker checker = DeliveryChecker.byData();
        Address erin = Address.recipient("erin");
        DeliveryChecker.Subscriber connect = checker.fromTheBeginningOn("erin", Set.of(erin));
        int dropped = 0;
        for (int i = 1; i <= 5; i++) {
            SseEvent event = SseEvent.of(i + FOUR_KB);
            Delivery delivery = app.registry.publish(erin, event).toCompletableFuture().join();
            assertEquals(1, delivery.queued(), delivery.toString());
            dropped += delivery.dropped();
            checker.acknowledged(erin, event.data());
        }
        assertEquals(3, dropped, "events 1 to 3 were pushed out of 10 kB, one by each later publish");
        assertEquals(3, app.registry.stats().dropped(), app.registry.stats().toString());
        List<ReceivedEvent> received = new ArrayList<>();
        try (OpenEventStream stream = EventStreamClient.open(app.target("recipients/erin"))) {
            do {
                received.add(stream.next(WAIT));
            } while (!received.get(received.size() - 1).data().startsWith("5"));
        }
        connect.received(received);
        checker.verify();
        assertEquals("replay-incomplete", received.get(0).type(), received.toString());
        assertEquals(3, received.size(), "the loss event, then events 4 and 5");
    }

    /** A subscriber that takes nothing until asked. */
    private static final class Idle implements Flow.Subscriber<Object> {
        private final List<SseEvent> events = new ArrayList<>();
        private Flow.Subscription subscription;
        private boolean completed;

        @Override
        public synchronized void onSubscribe(Flow.Subscription s) {
            subscription = s;
        }

        @Override
        public synchronized void onNext(Object item) {
            events.add((SseEvent) item);
        }

        @Override
        public synchronized void onError(Throwable t) {
        }

        @Override
        public synchronized void onComplete() {
            completed = true;
        }

        synchronized List<String> types() {
            return events.stream().map(SseEvent::event).toList();
        }

        synchronized boolean completed() {
            return completed;
        }

        void requestAll() {
            Flow.Subscription s;
            synchronized (this) {
                s = subscription;
            }
            s.request(Long.MAX_VALUE);
        }
    }

    private static Idle idleSubscriber(EventRegistry registry, String topic) {
        ConnectionQueue queue = registry.subscribe(Address.topic(topic)).queue();
        Idle idle = new Idle();
        queue.subscribe(idle);
        await().atMost(WAIT).until(() -> registry.stats(Address.topic(topic)).subscribers() == 1);
        return idle;
    }

    @Test
    void aSubscriberQueueOverItsBytes_dropsTheOldestUnderDropOldest_andCountsEachOne() {
        BroadcastApp.Running app = app(RegistryOptions.builder().subscriberQueueBytes(TEN_KB).maxEventSize(20_000)
                .slowConsumerPolicy(SlowConsumerPolicy.dropOldest()));
        Idle idle = idleSubscriber(app.registry, "prices");
        List<Integer> dropped = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            dropped.add(app.registry.publish("prices", fourKb(i)).toCompletableFuture().join().dropped());
        }
        assertEquals(List.of(0, 0, 1, 1, 1), dropped, "the count of 1,024 is far, the 10 kB are not");
        SseEvent huge = SseEvent.builder().event("huge").data("h".repeat(15_000)).build();
        assertEquals(2, app.registry.publish("prices", huge).toCompletableFuture().join().dropped(),
                "an event larger than the whole budget pushes every queued one out and goes alone");
        assertEquals(5, app.registry.stats().dropped());
        idle.requestAll();
        await().atMost(WAIT).until(() -> idle.types().size() == 1);
        assertEquals(List.of("huge"), idle.types());
    }

    @Test
    void aSubscriberQueueOverItsBytes_disconnectsTheSubscriberByDefault() {
        BroadcastApp.Running app = app(RegistryOptions.builder().subscriberQueueBytes(TEN_KB));
        Idle idle = idleSubscriber(app.registry, "news");
        assertEquals(0, app.registry.publish("news", fourKb(1)).toCompletableFuture().join().dropped());
        assertEquals(0, app.registry.publish("news", fourKb(2)).toCompletableFuture().join().dropped());
        Delivery third = app.registry.publish("news", fourKb(3)).toCompletableFuture().join();
        assertEquals(new Delivery(third.id(), 0, 0, 1), third, "the slow subscriber is let go");
        idle.requestAll();
        await().atMost(WAIT).until(idle::completed); // the client reconnects with its last id, from the history
        assertEquals(0, app.registry.stats(Address.topic("news")).subscribers());
    }
}
