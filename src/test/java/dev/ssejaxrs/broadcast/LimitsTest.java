package dev.ssejaxrs.broadcast;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.test.RawClient;
import dev.ssejaxrs.testing.EventStreamClient;
import dev.ssejaxrs.testing.OpenEventStream;

/**
 * Limits per caller and per subscription (issue 26, item 1), on a real server: the 11th stream of a caller with a
 * limit of 10 gets 429 with {@code Retry-After} and a JSON reason while the other 10 keep flowing; a subscription
 * naming more addresses than allowed gets 400.
 */
class LimitsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void eleventhStreamOfACallerWithALimitOf10_gets429_andTheOthersKeepFlowing() {
        try (BroadcastApp.Running app = new BroadcastApp.Running(RegistryOptions.builder().maxStreamsPerCaller(10)
                .build())) {
            List<OpenEventStream> alice = new ArrayList<>();
            try {
                for (int i = 0; i < 10; i++) {
                    OpenEventStream stream = EventStreamClient.open(app.target("topics/news"), Map.of("X-User", "alice"));
                    alice.add(stream);
                    assertEquals(200, stream.status(), "stream " + (i + 1));
                }
                try (RawClient eleventh = app.server.get("/topics/news", "X-User: alice")) {
                    String body = eleventh.readToEnd(WAIT);
                    assertEquals(429, eleventh.status(), eleventh.head() + body);
                    assertEquals("10", eleventh.header("Retry-After"), eleventh.head());
                    assertTrue(eleventh.header("Content-Type").startsWith("application/json"), eleventh.head());
                    assertEquals("{\"error\":\"caller alice has 10 streams open, the most it may: close one first\"}",
                            body);
                }
                assertEquals(Map.of("maxStreams", 0L, "maxStreamsPerCaller", 1L, "maxStreamsPerAddress", 0L,
                        "maxAddressesPerSubscription", 0L, "maxEventSize", 0L),
                        app.registry.refusals(), "counted for the metric sse.registry.refused");
                try (OpenEventStream bob = EventStreamClient.open(app.target("topics/news"), Map.of("X-User", "bob"))) {
                    assertEquals(200, bob.status(), "another caller has streams of its own");
                    await().atMost(WAIT).until(() -> app.registry.stats(Address.topic("news")).subscribers() == 11);
                    app.registry.publish(Address.topic("news"), SseEvent.of("still flowing"));
                    for (OpenEventStream stream : alice) {
                        assertEquals("still flowing", stream.next(WAIT).data());
                    }
                    assertEquals("still flowing", bob.next(WAIT).data());
                }
                alice.remove(0).close();
                await().atMost(WAIT).until(() -> {
                    try (RawClient again = app.server.get("/topics/news", "X-User: alice")) {
                        return again.status() == 200; // once the server saw the closed one go
                    }
                });
            } finally {
                alice.forEach(OpenEventStream::close);
            }
        }
    }

    @Test
    void streamsBeyondTheNodesLimit_get429_whoeverTheCaller_andAClosedOneFreesItsPlace() {
        try (BroadcastApp.Running app = new BroadcastApp.Running(RegistryOptions.builder().maxStreams(3).build())) {
            List<OpenEventStream> open = new ArrayList<>();
            try {
                for (String user : List.of("alice", "bob", "carol")) {
                    OpenEventStream stream = EventStreamClient.open(app.target("topics/news"), Map.of("X-User", user));
                    open.add(stream);
                    assertEquals(200, stream.status(), user);
                }
                try (RawClient fourth = app.server.get("/topics/news")) {
                    String body = fourth.readToEnd(WAIT);
                    assertEquals(429, fourth.status(), fourth.head() + body);
                    assertEquals("10", fourth.header("Retry-After"), fourth.head());
                    assertEquals("{\"error\":\"this server has 3 streams open, the most it may: try again later\"}",
                            body);
                }
                assertEquals(1L, app.registry.refusals().get("maxStreams"), "counted for the metric");
                open.remove(0).close();
                await().atMost(WAIT).until(() -> {
                    try (RawClient again = app.server.get("/topics/news")) {
                        return again.status() == 200;
                    }
                });
            } finally {
                open.forEach(OpenEventStream::close);
            }
        }
    }

    @Test
    void anonymousStreamsFromOneAddress_beyondItsLimit_get429_authenticatedOnesAreCountedByCaller() {
        try (BroadcastApp.Running app = new BroadcastApp.Running(RegistryOptions.builder().maxStreamsPerAddress(2)
                .build())) {
            List<OpenEventStream> open = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    open.add(EventStreamClient.open(app.target("topics/news")));
                    assertEquals(200, open.get(i).status(), "anonymous stream " + (i + 1));
                }
                try (RawClient third = app.server.get("/topics/news")) {
                    String body = third.readToEnd(WAIT);
                    assertEquals(429, third.status(), third.head() + body);
                    assertEquals("10", third.header("Retry-After"), third.head());
                    assertEquals("{\"error\":\"anonymous callers from address 127.0.0.1 have 2 streams open, the most"
                            + " they may: close one first\"}", body);
                }
                OpenEventStream alice = EventStreamClient.open(app.target("topics/news"), Map.of("X-User", "alice"));
                open.add(alice);
                assertEquals(200, alice.status(), "an authenticated caller is counted by name, not address");
                assertEquals(1L, app.registry.refusals().get("maxStreamsPerAddress"));
                assertEquals(0, RegistryOptions.defaults().maxStreamsPerAddress(), "off by default (proxies)");
            } finally {
                open.forEach(OpenEventStream::close);
            }
        }
    }

    @Test
    void subscriptionNamingMoreAddressesThanAllowed_gets400() {
        try (BroadcastApp.Running app = new BroadcastApp.Running(RegistryOptions.builder()
                .maxAddressesPerSubscription(3).build())) {
            try (RawClient four = app.server.get("/events?topic=a&topic=b&topic=c&topic=d")) {
                String body = four.readToEnd(WAIT);
                assertEquals(400, four.status(), four.head() + body);
                assertEquals("{\"error\":\"a subscription may name at most 3 addresses, not 4\"}", body);
            }
            try (RawClient three = app.server.get("/events?topic=a&topic=b&topic=c")) {
                assertEquals(200, three.status(), three.head());
            }
        }
    }

    @Test
    void defaults() {
        assertEquals(10_000, RegistryOptions.defaults().maxStreams());
        assertEquals(100, RegistryOptions.defaults().maxStreamsPerCaller());
        assertEquals(100, RegistryOptions.defaults().maxAddressesPerSubscription());
    }
}
