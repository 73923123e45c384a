package dev.ssejaxrs.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.Response;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.test.TestServer;
import dev.ssejaxrs.testing.EventStreamClient;
import dev.ssejaxrs.testing.OpenEventStream;
import dev.ssejaxrs.testing.ReceivedEvent;

/** The README's security example: a bearer-token filter, the default access policy and registry options of its own. */
class SecurityTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Map<String, String> USERS = Map.of("alice-token", "alice", "bob-token", "bob");
    private static TestServer server;
    private static Client client;

    @BeforeAll
    static void start() {
        server = TestServer.start(SecureApplication.application(USERS, 2));
        client = ClientBuilder.newClient();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    private static String url(TestServer on, String path) {
        return "http://127.0.0.1:" + on.port + "/" + path;
    }

    private static Response get(String path, String token) {
        var request = client.target(url(server, path)).request();
        return token == null ? request.get() : request.header("Authorization", "Bearer " + token).get();
    }

    @Test
    void aliceOpensHerOwnStreamAndGetsWhatWaitedForHer() {
        client.target(url(server, "invoices/alice")).request().post(Entity.text("{\"total\":42}")).close();
        try (OpenEventStream stream = EventStreamClient.open(client.target(url(server, "subscribe/alice")),
                Map.of("Authorization", "Bearer alice-token"))) {
            assertEquals(200, stream.status());
            assertEquals("Connection established", stream.next(WAIT).data());
            ReceivedEvent invoice = stream.next(WAIT);
            assertEquals("invoice", invoice.type());
            assertEquals("{\"total\":42}", invoice.data());
        }
    }

    @Test
    void aliceMayNotOpenBobsStream() {
        try (Response response = get("subscribe/bob", "alice-token")) {
            assertEquals(403, response.getStatus());
            String body = response.readEntity(String.class);
            assertTrue(body.contains("principal alice may not subscribe to recipient bob"), body);
        }
    }

    @Test
    void anonymousAndUnknownTokensAreRefused() {
        for (String token : new String[] {null, "forged"}) {
            try (Response response = get("subscribe/alice", token)) {
                assertEquals(401, response.getStatus());
                assertEquals("Bearer", response.getHeaderString("WWW-Authenticate"));
                String body = response.readEntity(String.class);
                assertTrue(body.contains("authentication required to subscribe to recipient alice"), body);
            }
        }
    }

    @Test
    void registeredBroadcastFeatureReplacesTheAutoDiscoveredOne() {
        // history 2 here, 1,000 with the auto-discovered feature: resuming after the first of four events shows which
        try (TestServer defaults = TestServer.start(new org.glassfish.jersey.server.ResourceConfig(NewsResource.class))) {
            assertEquals(List.of("replay-incomplete", "message", "message"), replayAfterFirstOfFour(server));
            assertEquals(List.of("message", "message", "message"), replayAfterFirstOfFour(defaults));
        }
    }

    private static List<String> replayAfterFirstOfFour(TestServer on) {
        String first = null;
        for (String data : List.of("one", "two", "three", "four")) {
            try (Response published = client.target(url(on, "topics/history")).request().post(Entity.text(data))) {
                assertEquals(201, published.getStatus());
                String body = published.readEntity(String.class);
                first = first == null ? body.substring(7, body.length() - 2) : first;
            }
        }
        try (OpenEventStream stream = EventStreamClient.open(client.target(url(on, "topics/history")), first)) {
            List<String> types = new java.util.ArrayList<>();
            ReceivedEvent event;
            do {
                event = stream.next(WAIT);
                types.add(event.type());
            } while (!"four".equals(event.data()));
            return types;
        }
    }
}
