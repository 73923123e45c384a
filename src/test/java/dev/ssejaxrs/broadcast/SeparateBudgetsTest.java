package dev.ssejaxrs.broadcast;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.testing.EventStreamClient;
import dev.ssejaxrs.testing.OpenEventStream;
import dev.ssejaxrs.testing.ReceivedEvent;

/**
 * Budgets that cannot be used against each other: topics never evict a recipient's waiting events, and when a
 * recipient's own budget (its cap, its queue's size or age) forces its events out, its next connect is told.
 */
class SeparateBudgetsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private final List<BroadcastApp.Running> apps = new ArrayList<>();
    private final DeliveryChecker checker = DeliveryChecker.byData();

    @AfterEach
    void stop() {
        apps.forEach(BroadcastApp.Running::close);
    }

    private BroadcastApp.Running app(RegistryOptions.Builder options) {
        BroadcastApp.Running app = new BroadcastApp.Running(options.accessPolicy(AccessPolicy.anyone()).build());
        apps.add(app);
        return app;
    }

    private void publishToRecipient(BroadcastApp.Running app, String recipient, String data) {
        Delivery delivery = app.registry.publishToRecipient(recipient, SseEvent.of(data)).toCompletableFuture()
                .join();
        assertEquals(1, delivery.queued(), delivery.toString());
        checker.acknowledged(Address.recipient(recipient), data);
    }

    /**
     * What the recipient receives when it connects, up to the event whose data is {@code last} (or what came until
     * nothing more did: the checker then says what is missing).
     */
    private static List<ReceivedEvent> connect(BroadcastApp.Running app, String recipient, String last) {
        List<ReceivedEvent> received = new ArrayList<>();
        try (OpenEventStream stream = EventStreamClient.open(app.target("recipients/" + recipient))) {
            do {
                received.add(stream.next(WAIT));
            } while (!received.get(received.size() - 1).data().equals(last));
        } catch (AssertionError nothingMore) {
            return received;
        }
        return received;
    }

    @Test
    void elevenThousandNewTopics_doNotEvictTheEventWaitingForARecipient() {
        BroadcastApp.Running app = app(RegistryOptions.builder());
        DeliveryChecker.Subscriber alice = checker.fromTheBeginningOn("alice",
                Set.of(Address.recipient("alice")));
        publishToRecipient(app, "alice", "your invoice");
        for (int i = 0; i < 11_000; i++) { // what an anonymous client can do with POST /topics/junk-<n>
            app.registry.publish("junk-" + i, SseEvent.of("junk"));
        }
        assertTrue(app.registry.stats().evicted() >= 1_000, app.registry.stats().toString()); // the cap was hit
        alice.received(connect(app, "alice", "your invoice"));
        checker.verify();
    }

    @Test
    void aRecipientEvictedByTheRecipientsCap_getsTheLossEventOnItsNextConnect_andTheDropIsCounted() {
        BroadcastApp.Running app = app(RegistryOptions.builder().maxRecipients(2));
        DeliveryChecker.Subscriber bob = checker.fromTheBeginningOn("bob", Set.of(Address.recipient("bob")));
        publishToRecipient(app, "bob", "for bob");
        publishToRecipient(app, "carol", "for carol");
        publishToRecipient(app, "dave", "for dave"); // bob, the least recently used, is evicted with his queue
        assertEquals(1, app.registry.stats().dropped(), app.registry.stats().toString());
        publishToRecipient(app, "bob", "for bob again");
        List<ReceivedEvent> received = connect(app, "bob", "for bob again");
        bob.received(received);
        checker.verify();
        assertEquals("replay-incomplete", received.get(0).type(), received.toString());
    }

    @Test
    void aQueueThatOverflows_tellsTheRecipientsNextConnect() {
        BroadcastApp.Running app = app(RegistryOptions.builder().offlineQueue(2, Duration.ofHours(1)));
        DeliveryChecker.Subscriber erin = checker.fromTheBeginningOn("erin", Set.of(Address.recipient("erin")));
        publishToRecipient(app, "erin", "1");
        publishToRecipient(app, "erin", "2");
        publishToRecipient(app, "erin", "3"); // "1" is pushed out of the queue of 2
        List<ReceivedEvent> received = connect(app, "erin", "3");
        erin.received(received);
        checker.verify();
        assertEquals("replay-incomplete", received.get(0).type(), received.toString());
        assertEquals(1, app.registry.stats().dropped(), app.registry.stats().toString());
    }

    @Test
    void aQueueThatExpired_tellsTheRecipientsNextConnect_evenAfterItsAddressWentIdle() {
        BroadcastApp.Running app = app(RegistryOptions.builder().offlineQueue(10, Duration.ofMillis(200))
                .history(10, Duration.ofMillis(200)));
        DeliveryChecker.Subscriber frank = checker.fromTheBeginningOn("frank", Set.of(Address.recipient("frank")));
        publishToRecipient(app, "frank", "expires");
        await().atMost(WAIT).until(() -> app.registry.stats().addresses() == 0); // expired, and the address gone
        assertEquals(1, app.registry.stats().dropped(), app.registry.stats().toString());
        publishToRecipient(app, "frank", "fresh");
        List<ReceivedEvent> received = connect(app, "frank", "fresh");
        frank.received(received);
        checker.verify();
        assertEquals("replay-incomplete", received.get(0).type(), received.toString());
    }
}
