package dev.ssejaxrs.broadcast;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Singleton;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.test.RawClient;
import dev.ssejaxrs.test.TestServer;
import dev.ssejaxrs.testing.EventStreamClient;
import dev.ssejaxrs.testing.OpenEventStream;
import dev.ssejaxrs.testing.ReceivedEvent;

/**
 * The access policy sees the caller as it was when the subscription opened, never a request's
 * {@code SecurityContext} later: injected into a singleton, that is a proxy for whichever request is current on the
 * publishing thread.
 */
class CallerSnapshotTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** A singleton with a field-injected {@code SecurityContext}, used by subscribers and publishers alike. */
    @Singleton
    @Path("/")
    public static final class Feed {
        @Context
        private SecurityContext security;
        @Context
        private EventRegistry registry;

        @GET
        @Path("feed")
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public dev.ssejaxrs.stream.EventStream subscribe() {
            return registry.subscribe(Address.topic("feed")).caller(security).open();
        }

        @POST
        @Path("feed/{to}")
        public String publish(@PathParam("to") String to) {
            registry.publish("feed", SseEvent.builder().event("for-" + to).data(security.getUserPrincipal().getName()
                    + " to " + to).build());
            return "ok";
        }
    }

    @Test
    void eachSubscribersFilter_seesItsOwnPrincipal_whileOthersPublishConcurrently() throws Exception {
        EventRegistry registry = new EventRegistry(RegistryOptions.builder().accessPolicy(new AccessPolicy() {
            @Override
            public String refusal(Address address, Caller caller) {
                return caller.isAuthenticated() ? null : "sign in";
            }

            @Override
            public boolean mayReceive(Address address, SseEvent event, Caller caller) {
                return event.event().equals("for-" + caller.name());
            }
        }).build());
        try (TestServer server = TestServer.start(new ResourceConfig(Feed.class, BroadcastApp.UserFromHeader.class)
                .register(new BroadcastFeature(registry)));
                jakarta.ws.rs.client.Client client = jakarta.ws.rs.client.ClientBuilder.newClient()) {
            var feed = client.target("http://127.0.0.1:" + server.port + "/feed");
            try (OpenEventStream alice = EventStreamClient.open(feed, Map.of("X-User", "alice"));
                    OpenEventStream bob = EventStreamClient.open(feed, Map.of("X-User", "bob"))) {
                await().atMost(WAIT).until(() -> registry.stats(Address.topic("feed")).subscribers() == 2);
                List<CompletableFuture<Void>> publishers = new ArrayList<>();
                for (String publisher : List.of("carol", "alice", "bob")) {
                    publishers.add(CompletableFuture.runAsync(() -> {
                        for (int i = 0; i < 20; i++) {
                            String to = i % 2 == 0 ? "alice" : "bob";
                            try (RawClient post = RawClient.request(server.port, "POST", "/feed/" + to, "", 0,
                                    "X-User: " + publisher)) {
                                assertEquals(200, post.status());
                            }
                        }
                    }));
                }
                for (CompletableFuture<Void> publisher : publishers) {
                    publisher.get(60, TimeUnit.SECONDS);
                }
                assertOnlyFor("alice", alice.collect(30, WAIT));
                assertOnlyFor("bob", bob.collect(30, WAIT));
            }
        }
    }

    private static void assertOnlyFor(String user, List<ReceivedEvent> events) {
        for (ReceivedEvent event : events) {
            assertEquals("for-" + user, event.type(), event.data());
        }
    }
}
