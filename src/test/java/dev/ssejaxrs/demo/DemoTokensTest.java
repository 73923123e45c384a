package dev.ssejaxrs.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.broadcast.RegistryOptions;
import dev.ssejaxrs.test.RawClient;
import dev.ssejaxrs.testing.EventStreamClient;
import dev.ssejaxrs.testing.OpenEventStream;
import dev.ssejaxrs.testing.ReceivedEvent;

/**
 * The demo's signed bearer tokens and size limit (issue 26, items 2 and 3; issue 29, item 3), over real HTTP: a
 * token's {@code exp} ends the stream with {@code event: credentials-expired}, and a reconnect with a new token and
 * {@code Last-Event-ID} misses nothing; no token, a forged one or a tampered one gets 401 with a challenge; an event
 * larger than the registry's {@code maxEventSize} gets 413 with a JSON reason.
 */
class DemoTokensTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static DemoServer demo;
    private static Client client;

    @BeforeAll
    static void start() throws IOException {
        demo = DemoServer.start(0);
        client = ClientBuilder.newClient();
    }

    @AfterAll
    static void stop() {
        client.close();
        demo.close();
    }

    private static RawClient post(String path, String json) {
        return RawClient.request(demo.port(), "POST", path, json, 0, "Content-Type: application/json");
    }

    /** A token for {@code user}, good for {@code seconds}. */
    private static String token(String user, int seconds) {
        try (RawClient issued = post("/tokens", "{\"user\": \"" + user + "\", \"seconds\": " + seconds + "}")) {
            String body = issued.readToEnd(WAIT);
            assertEquals(201, issued.status(), issued.head() + body);
            Map<?, ?> json = (Map<?, ?>) JsonErrors.parse(body);
            return (String) json.get("token");
        }
    }

    private static void emit(String recipient, String data) {
        try (RawClient emitted = post("/emit", "{\"event_name\": \"note\", \"event_data\": \"" + data
                + "\", \"recipient_id\": \"" + recipient + "\"}")) {
            emitted.readToEnd(WAIT);
            assertEquals(202, emitted.status(), emitted.head());
        }
    }

    private static OpenEventStream open(String token, String lastEventId) {
        var target = client.target(demo.url()).path("me/events").queryParam("access_token", token);
        return lastEventId == null ? EventStreamClient.open(target) : EventStreamClient.open(target, lastEventId);
    }

    @Test
    void aTokensExpiry_endsTheStreamWithItsReason_andTheReconnectWithANewTokenMissesNothing() {
        String one;
        try (OpenEventStream stream = open(token("dana", 5), null)) {
            assertEquals("Connection established", stream.next(WAIT).data()); // sent once joined
            emit("dana", "first");
            ReceivedEvent first = stream.next(WAIT);
            assertEquals("first", first.data());
            one = first.lastEventId();
            ReceivedEvent expired = stream.next(WAIT);
            assertEquals("credentials-expired", expired.type(), expired.toString());
            stream.awaitEnd(WAIT);
        }
        emit("dana", "while away"); // queued: dana has no open stream now
        try (OpenEventStream again = open(token("dana", 60), one)) {
            assertEquals("Connection established", again.next(WAIT).data());
            assertEquals("while away", again.next(WAIT).data(), "nothing lost between the expiry and the reconnect");
        }
    }

    @Test
    void noTokenAForgedOneOrATamperedOne_gets401WithAChallenge() {
        String good = token("erin", 60);
        String[] parts = good.split("\\.");
        String forged = parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 4) + "AAAA";
        String otherUser = token("mallory", 60).split("\\.")[1];
        String swapped = parts[0] + "." + otherUser + "." + parts[2];
        for (String bad : new String[] {"", "not-a-jwt", forged, swapped}) {
            try (RawClient refused = RawClient.get(demo.port(), "/me/events", "Authorization: Bearer " + bad)) {
                String body = refused.readToEnd(WAIT);
                assertEquals(401, refused.status(), bad + ": " + refused.head() + body);
                assertTrue(refused.header("WWW-Authenticate").startsWith("Bearer realm=\"sse-jaxrs-demo\""),
                        refused.head());
                assertTrue(body.startsWith("{\"error\":\""), body);
            }
        }
    }

    @Test
    void anEventLargerThanMaxEventSize_gets413WithAJsonReason() {
        int limit = RegistryOptions.defaults().maxEventSize(); // the demo keeps the default
        String big = "x".repeat(limit + 1);
        try (RawClient refused = RawClient.request(demo.port(), "POST", "/topics/big", big, 0,
                "Content-Type: application/x-www-form-urlencoded")) {
            String body = refused.readToEnd(WAIT);
            assertEquals(413, refused.status(), refused.head() + body);
            assertTrue(body.matches("\\{\"error\":\"event of \\d+ bytes to topic topics/big is larger than "
                    + "maxEventSize, " + limit + " bytes\"}"), body);
        }
    }
}
