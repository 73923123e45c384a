package dev.ssejaxrs.broadcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.test.RawClient;
import dev.ssejaxrs.test.TestServer;

/**
 * Errors that fit HTTP (issue 26, item 3), on a real Grizzly server: an anonymous caller the default access policy
 * refuses gets 401 with {@code WWW-Authenticate}, an authenticated one 403; a bad name given to {@code publish} in a
 * resource method becomes 400 JSON through the mapper {@link BroadcastFeature} registers, never Grizzly's HTML 500.
 */
class HttpErrorsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Publishes the body to the recipient named in the URL, without checking the name first. */
    @Path("publish/{recipient}")
    public static final class Publisher {
        @Context
        private EventRegistry registry;

        @POST
        @Consumes(MediaType.WILDCARD)
        public Response publish(@PathParam("recipient") String recipient, String body) {
            registry.publish(Address.recipient(recipient), SseEvent.of(body));
            return Response.noContent().build();
        }
    }

    private static TestServer start(RegistryOptions options) {
        return TestServer.start(new ResourceConfig(BroadcastApp.Subscriptions.class, BroadcastApp.UserFromHeader.class,
                Publisher.class).register(new BroadcastFeature(options)));
    }

    @Test
    void anonymousCallerRefused_gets401WithAChallenge_anAuthenticatedOne403() {
        try (TestServer server = start(RegistryOptions.defaults())) {
            try (RawClient anonymous = server.get("/recipients/alice")) {
                assertEquals(401, anonymous.status(), anonymous.head());
                assertEquals("Bearer", anonymous.header("WWW-Authenticate"), anonymous.head());
                assertEquals("authentication required to subscribe to recipient alice", anonymous.readToEnd(WAIT));
            }
            try (RawClient mallory = server.get("/recipients/alice", "X-User: mallory")) {
                assertEquals(403, mallory.status(), mallory.head());
                assertEquals(null, mallory.header("WWW-Authenticate"), mallory.head());
            }
        }
    }

    @Test
    void theChallengeIsAnOption() {
        try (TestServer server = start(RegistryOptions.builder().authenticationChallenge("Basic realm=\"news\"")
                .build())) {
            try (RawClient anonymous = server.get("/recipients/alice")) {
                assertEquals(401, anonymous.status(), anonymous.head());
                assertEquals("Basic realm=\"news\"", anonymous.header("WWW-Authenticate"), anonymous.head());
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RegistryOptions.builder().authenticationChallenge("Bearer\r\nX-Injected: 1"));
        assertTrue(e.getMessage().startsWith("authenticationChallenge must be"), e.getMessage());
    }

    @Test
    void badNameGivenToPublish_is400Json_notA500() {
        try (TestServer server = start(RegistryOptions.defaults())) {
            String tooLong = "x".repeat(201);
            try (RawClient client = RawClient.request(server.port, "POST", "/publish/" + tooLong, "hello", 0)) {
                String body = client.readToEnd(WAIT);
                assertEquals(400, client.status(), client.head() + body);
                assertTrue(client.header("Content-Type").startsWith("application/json"), client.head());
                assertTrue(body.startsWith("{\"error\":\"recipient name must match [^\\\\p{Cntrl}]{1,200}: \\\"xxx"),
                        body);
            }
            try (RawClient client = RawClient.request(server.port, "POST", "/publish/a%01b", "hello", 0)) {
                String body = client.readToEnd(WAIT);
                assertEquals(400, client.status(), client.head() + body);
                assertTrue(body.startsWith("{\"error\":\"recipient name must match"), body);
                assertTrue(body.contains("a\\u0001b"), "the control character is escaped: " + body);
            }
        }
    }

    @Test
    void theExceptionIsStillAnIllegalArgumentException() {
        InvalidAddressException e = assertThrows(InvalidAddressException.class,
                () -> RegistryOptions.defaults().checkName(Address.topic("x".repeat(201))));
        assertTrue(e instanceof IllegalArgumentException);
    }
}
