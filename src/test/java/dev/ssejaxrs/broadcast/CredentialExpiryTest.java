package dev.ssejaxrs.broadcast;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.stream.EventStream;
import dev.ssejaxrs.test.RawClient;
import dev.ssejaxrs.test.TestServer;
import dev.ssejaxrs.testing.EventStreamClient;
import dev.ssejaxrs.testing.OpenEventStream;
import dev.ssejaxrs.testing.ReceivedEvent;

/**
 * Credentials that expire (issue 26, item 2, in part), on a real server: a stream whose caller expires in 1 s ends
 * after an {@code event: credentials-expired}, and the client's reconnect with {@code Last-Event-ID} misses nothing;
 * a caller already expired gets 401.
 */
class CredentialExpiryTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** alice, whose token expires {@code millis} from now. */
    @Path("expiring/{millis}")
    public static final class Expiring {
        @Context
        private EventRegistry registry;

        @GET
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public EventStream stream(@PathParam("millis") long millis, @HeaderParam("Last-Event-ID") String lastEventId) {
            Instant exp = Instant.now().plusMillis(millis); // a real application: the token's exp claim
            // README: begin expiry
            Caller caller = Caller.of("alice", Set.of()).withExpiry(exp);
            return registry.subscribe(Address.topic("news")).caller(caller).lastEventId(lastEventId).open();
            // README: end expiry
        }
    }

    @Test
    void streamWhoseCallerExpiresIn1s_endsWithItsReason_andTheResumeMissesNothing() {
        try (EventRegistry registry = new EventRegistry(RegistryOptions.defaults());
                TestServer server = TestServer.start(new ResourceConfig(Expiring.class)
                        .register(new BroadcastFeature(registry)));
                Client client = ClientBuilder.newClient()) {
            String base = "http://127.0.0.1:" + server.port + "/expiring/";
            String one;
            long opened = System.nanoTime();
            try (OpenEventStream stream = EventStreamClient.open(client.target(base + "1000"))) {
                assertEquals(200, stream.status());
                await().atMost(WAIT).until(() -> registry.stats(Address.topic("news")).subscribers() == 1);
                registry.publish(Address.topic("news"), SseEvent.of("one"));
                ReceivedEvent first = stream.next(WAIT);
                assertEquals("one", first.data());
                one = first.lastEventId();
                ReceivedEvent expired = stream.next(WAIT);
                assertEquals("credentials-expired", expired.type(), expired.toString());
                assertEquals(one, expired.lastEventId(), "the expiry event has no id of its own");
                stream.awaitEnd(WAIT);
                long millis = (System.nanoTime() - opened) / 1_000_000;
                assertTrue(millis >= 900, "ended at the expiry, not before: " + millis + " ms");
            }
            await().atMost(WAIT).until(() -> registry.stats().disconnects().getOrDefault("CREDENTIALS_EXPIRED", 0L)
                    == 1L);
            registry.publish(Address.topic("news"), SseEvent.of("two")); // while the client refreshes its token
            try (OpenEventStream resumed = EventStreamClient.open(client.target(base + "60000"), one)) {
                assertEquals("two", resumed.next(WAIT).data(), "nothing lost between expiry and reconnect");
                await().atMost(WAIT).until(() -> registry.stats(Address.topic("news")).subscribers() == 1);
                registry.publish(Address.topic("news"), SseEvent.of("three"));
                assertEquals("three", resumed.next(WAIT).data());
            }
            try (RawClient late = server.get("/expiring/-1")) {
                String body = late.readToEnd(WAIT);
                assertEquals(401, late.status(), late.head() + body);
                assertEquals("Bearer", late.header("WWW-Authenticate"), late.head());
                assertTrue(body.startsWith("the credentials of alice expired at "), body);
            }
        }
    }
}
