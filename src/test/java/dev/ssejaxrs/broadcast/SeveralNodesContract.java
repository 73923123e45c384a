package dev.ssejaxrs.broadcast;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.WebTarget;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.internal.store.EventId;
import dev.ssejaxrs.stream.StreamOptions;
import dev.ssejaxrs.test.TestServer;
import dev.ssejaxrs.testing.EventStreamClient;
import dev.ssejaxrs.testing.OpenEventStream;
import dev.ssejaxrs.testing.ReceivedEvent;

/**
 * What several nodes on one shared store do, whatever the store: two Grizzly servers, each with its own registry on
 * the same Redis or PostgreSQL, as two machines behind a load balancer would run them. Extend it with the options
 * of a registry on the shared store ({@link #storeOptions}, the same for every node of one test).
 */
abstract class SeveralNodesContract {
    static final Duration WAIT = Duration.ofSeconds(30);
    final List<AutoCloseable> open = new ArrayList<>();
    private final Client client = ClientBuilder.newClient();

    /** The options of a registry on the shared store, the same for every node of the current test. */
    abstract RegistryOptions.Builder storeOptions();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        client.close();
    }

    /** One node: a registry on the shared store and a server serving it. */
    final class Node implements AutoCloseable {
        final EventRegistry registry;
        final TestServer server;

        Node() {
            this(AccessPolicy.recipientIsPrincipal());
        }

        Node(AccessPolicy accessPolicy) {
            registry = new EventRegistry(storeOptions()
                    .streamOptions(StreamOptions.builder().pingInterval(Duration.ofMillis(200)).build())
                    .accessPolicy(accessPolicy)
                    .build());
            server = BroadcastApp.serve(registry);
            open.add(this);
        }

        WebTarget target(String path) {
            return client.target("http://127.0.0.1:" + server.port + "/" + path);
        }

        OpenEventStream stream(String path, Map<String, String> headers) {
            OpenEventStream stream = EventStreamClient.open(target(path), headers);
            open.add(stream);
            return stream;
        }

        String publish(String topic, String data) {
            return registry.publish(topic, SseEvent.of(data)).toCompletableFuture().orTimeout(20, TimeUnit.SECONDS)
                    .join().id();
        }

        @Override
        public void close() {
            server.close();
            registry.close();
        }
    }

    /** Waits until {@code node} has {@code n} subscribers of {@code address} registered. */
    /**
     * Reads {@code stream} up to the event {@code lastData} and checks that it got every accepted event once, in
     * order, and none of {@code failed} but possibly those whose publish broke in flight (not accepted, maybe stored).
     */
    static void assertEveryAcceptedEventOnce(OpenEventStream stream, List<String> accepted, List<String> failed,
            String lastData) {
        List<String> received = new ArrayList<>();
        ReceivedEvent event;
        do {
            event = stream.next(WAIT);
            received.add(event.data());
        } while (!event.data().equals(lastData));
        org.junit.jupiter.api.Assertions.assertFalse(received.contains("lost"), "a failed publish is not delivered");
        List<String> acceptedReceived = received.stream().filter(d -> !failed.contains(d)).toList();
        assertEquals(accepted, acceptedReceived, "every accepted event once, in order");
        assertEquals(received.size(), received.stream().distinct().count(), "nothing twice");
    }

    static void awaitSubscribers(Node node, Address address, int n) {
        await().atMost(WAIT).until(() -> node.registry.stats(address).subscribers() == n);
    }

    static List<String> data(List<ReceivedEvent> events) {
        return events.stream().map(ReceivedEvent::data).toList();
    }

    @Test
    void anAccessPolicyThatThrowsForOneSubscriber_endsItsStreamOnly_theReaderAndTheOthersGoOn() {
        AccessPolicy throwsForMallory = new AccessPolicy() {
            @Override
            public String refusal(Address address, Caller caller) {
                return null;
            }

            @Override
            public boolean mayReceive(Address address, SseEvent event, Caller caller) {
                if ("mallory".equals(caller.name())) {
                    throw new IllegalStateException("the policy's database is down");
                }
                return true;
            }
        };
        Node node = new Node(throwsForMallory);
        OpenEventStream alice = node.stream("topics/t", Map.of("X-User", "alice"));
        OpenEventStream mallory = node.stream("topics/t", Map.of("X-User", "mallory"));
        awaitSubscribers(node, Address.topic("t"), 2);
        DeliveryChecker checker = DeliveryChecker.byId();
        DeliveryChecker.Subscriber aliceGot = checker.startsNow("alice");
        for (int i = 0; i < 3; i++) {
            checker.acknowledged(node.publish("t", "e" + i));
        }
        aliceGot.received(alice.collect(3, WAIT));
        checker.verify();
        mallory.awaitEnd(WAIT);
        await().atMost(WAIT).until(() -> node.registry.stats().disconnects().getOrDefault("CALLBACK_ERROR", 0L)
                == 1);
        node.publish("t", "after");
        assertEquals("after", alice.next(WAIT).data()); // the node's reader survived
    }

    @Test
    void publishOnA_subscribersOnAAndBReceiveEverythingInOrder_andAClientMovingToBHasTheGapFilled() {
        Node a = new Node();
        Node b = new Node();
        OpenEventStream onA = a.stream("topics/news", Map.of());
        OpenEventStream onB = b.stream("topics/news", Map.of());
        awaitSubscribers(a, Address.topic("news"), 1);
        awaitSubscribers(b, Address.topic("news"), 1);
        List<String> expected = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            expected.add("n" + i);
            ids.add(a.publish("news", "n" + i));
        }
        List<ReceivedEvent> fromA = onA.collect(100, WAIT);
        List<ReceivedEvent> fromB = onB.collect(100, WAIT);
        assertEquals(expected, data(fromA));
        assertEquals(expected, data(fromB));
        assertEquals(ids, fromB.stream().map(ReceivedEvent::lastEventId).toList(), "the same ids on every node");

        // a browser on A that saw up to n40 reconnects to B (the load balancer moved it) while A publishes on
        onA.close();
        for (int i = 101; i <= 130; i++) {
            expected.add("n" + i);
            a.publish("news", "n" + i);
        }
        OpenEventStream moved = b.stream("topics/news", Map.of("Last-Event-ID", ids.get(39)));
        List<ReceivedEvent> caughtUp = moved.collect(90, WAIT);
        assertEquals(expected.subList(40, 130), data(caughtUp), "the gap filled from the store, nothing twice");
        a.publish("news", "live");
        assertEquals("live", moved.next(WAIT).data());
        assertEquals(expected.subList(100, 130), data(onB.collect(30, WAIT)));
    }

    @Test
    void aMultiAddressStreamResumesOnTheOtherNode_inIdOrder() {
        Node a = new Node();
        Node b = new Node();
        Map<String, String> asUser = Map.of("X-User", "ann");
        OpenEventStream first = a.stream("events?topic=x&topic=y&recipient=ann", asUser);
        awaitSubscribers(a, Address.topic("x"), 1);
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            expected.add((i % 2 == 0 ? "x" : "y") + i);
            a.publish(i % 2 == 0 ? "x" : "y", expected.get(i - 1));
        }
        List<ReceivedEvent> seen = first.collect(10, WAIT);
        assertEquals(expected, data(seen));
        first.close();
        for (int i = 11; i <= 30; i++) {
            String data = (i % 3 == 0 ? "x" : i % 3 == 1 ? "y" : "ann") + i;
            expected.add(data);
            if (data.startsWith("ann")) {
                a.registry.publishToRecipient("ann", SseEvent.of(data)).toCompletableFuture().join();
            } else {
                a.publish(data.substring(0, 1), data);
            }
        }
        Map<String, String> resume = Map.of("X-User", "ann", "Last-Event-ID", seen.get(9).lastEventId());
        OpenEventStream second = b.stream("events?topic=x&topic=y&recipient=ann", resume);
        List<ReceivedEvent> rest = second.collect(20, WAIT);
        assertEquals(expected.subList(10, 30), data(rest));
        for (int i = 1; i < rest.size(); i++) {
            assertTrue(EventId.parse(rest.get(i).lastEventId()).isAfter(EventId.parse(rest.get(i - 1).lastEventId())));
        }
    }

    @Test
    void aRecipientsQueuedEvents_surviveStoppingAndRestartingBothServers() {
        Node a = new Node();
        Node b = new Node();
        for (int i = 1; i <= 3; i++) {
            Delivery delivery = a.registry.publishToRecipient("bob", SseEvent.of("for bob " + i))
                    .toCompletableFuture().join();
            assertEquals(1, delivery.queued(), "bob has no connection on any node");
        }
        a.close();
        b.close();
        Node a2 = new Node();
        Node b2 = new Node();
        OpenEventStream bob = b2.stream("recipients/bob", Map.of("X-User", "bob"));
        assertEquals(List.of("for bob 1", "for bob 2", "for bob 3"), data(bob.collect(3, WAIT)));
        awaitSubscribers(b2, Address.recipient("bob"), 1);
        Delivery live = a2.registry.publishToRecipient("bob", SseEvent.of("live")).toCompletableFuture().join();
        assertEquals(0, live.queued(), "bob is online on the other node: nothing queued");
        assertEquals("live", bob.next(WAIT).data());
    }
}
