package dev.ssejaxrs.broadcast;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import jakarta.ws.rs.client.WebTarget;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.test.RawClient;
import dev.ssejaxrs.test.TestServer;
import dev.ssejaxrs.testing.EventStreamClient;
import dev.ssejaxrs.testing.OpenEventStream;

/** Who may subscribe, and which events reach whom. */
class AccessTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Default recipient rule, plus: events named "internal" only reach admins. */
    private final BroadcastApp.Running app = new BroadcastApp.Running(RegistryOptions.builder()
            .roles("admin").accessPolicy(new AccessPolicy() {
                private final AccessPolicy recipients = AccessPolicy.recipientIsPrincipal();

                @Override
                public String refusal(Address address, Caller caller) {
                    return recipients.refusal(address, caller);
                }

                @Override
                public boolean mayReceive(Address address, SseEvent event, Caller caller) {
                    return !"internal".equals(event.event()) || caller.hasRole("admin");
                }
            }).build());
    private final EventRegistry registry = app.registry;
    private final TestServer server = app.server;

    @AfterEach
    void stop() {
        app.close();
    }

    @Test
    void anotherPrincipalsRecipientStream_is403WithAReason() {
        try (RawClient mallory = server.get("/recipients/alice", "X-User: mallory")) {
            assertEquals(403, mallory.status());
            assertTrue(mallory.readToEnd(WAIT).contains("principal mallory may not subscribe to recipient alice"));
        }
        try (RawClient anonymous = server.get("/recipients/alice")) {
            assertEquals(401, anonymous.status()); // anonymous: authenticating may help (see HttpErrorsTest)
            assertTrue(anonymous.readToEnd(WAIT).contains("authentication required"));
        }
        try (OpenEventStream alice = EventStreamClient.open(
                app.target("recipients/alice"), Map.of("X-User", "alice"))) {
            assertEquals(200, alice.status());
            await().atMost(WAIT).until(() -> registry.stats(Address.recipient("alice")).subscribers() == 1);
            registry.publishToRecipient("alice", SseEvent.of("private"));
            assertEquals("private", alice.next(WAIT).data());
        }
    }

    @Test
    void filteredEvents_neverReachTheWrongSubscriber() {
        WebTarget ops = app.target("topics/ops");
        try (OpenEventStream admin = EventStreamClient.open(ops, Map.of("X-User", "admin-ann"));
                OpenEventStream user = EventStreamClient.open(ops, Map.of("X-User", "bob"))) {
            await().atMost(WAIT).until(() -> registry.stats(Address.topic("ops")).subscribers() == 2);
            registry.publish("ops", SseEvent.builder().event("internal").data("secret").build());
            registry.publish("ops", SseEvent.of("public"));
            assertEquals("secret", admin.next(WAIT).data());
            assertEquals("public", admin.next(WAIT).data());
            assertEquals("public", user.next(WAIT).data()); // the first event bob gets: never the secret
            AssertionError nothingMore = assertThrows(AssertionError.class, () -> user.next(Duration.ofMillis(300)));
            assertTrue(!nothingMore.getMessage().contains("secret"), nothingMore.getMessage());
        }
        // replay obeys the filter too
        try (OpenEventStream lateUser = EventStreamClient.open(ops,
                Map.of("X-User", "bob", "Last-Event-ID", "0"))) {
            assertEquals("replay-incomplete", lateUser.next(WAIT).type());
            assertEquals("public", lateUser.next(WAIT).data());
        }
    }
}
