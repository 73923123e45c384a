package dev.ssejaxrs.broadcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;

import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.internal.store.EventId;
import dev.ssejaxrs.test.TestServer;
import dev.ssejaxrs.testing.EventStreamClient;
import dev.ssejaxrs.testing.OpenEventStream;
import dev.ssejaxrs.testing.ReceivedEvent;

/** An id from before a restart is never taken for a new event: the client hears that it may have missed some. */
class RestartTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static ResourceConfig app(EventRegistry registry) {
        return new ResourceConfig(BroadcastApp.Subscriptions.class).register(new BroadcastFeature(registry));
    }

    @Test
    void anIdFromTheFirstRun_getsReplayIncomplete_thenTheRetainedEventsOfTheSecond() {
        int port;
        String before = null; // the 57th event's id: what a browser had when the first run stopped
        try (EventRegistry first = new EventRegistry(RegistryOptions.defaults());
                TestServer server = TestServer.start(app(first))) {
            port = server.port;
            for (int i = 1; i <= 57; i++) {
                before = first.publish("news", SseEvent.of("old " + i)).toCompletableFuture().join().id();
            }
        }
        EventRegistry second = new EventRegistry(RegistryOptions.defaults());
        try (TestServer server = TestServer.startOn(port, app(second)); Client client = ClientBuilder.newClient()) {
            List<String> after = List.of(
                    second.publish("news", SseEvent.of("new 1")).toCompletableFuture().join().id(),
                    second.publish("news", SseEvent.of("new 2")).toCompletableFuture().join().id());
            assertTrue(EventId.parse(after.get(0)).isAfter(EventId.parse(before)), before + " then " + after);
            try (OpenEventStream stream = EventStreamClient.open(
                    client.target("http://127.0.0.1:" + port + "/topics/news"), before)) {
                ReceivedEvent signal = stream.next(WAIT);
                assertEquals("replay-incomplete", signal.type());
                assertEquals(before, signal.data());
                List<ReceivedEvent> retained = stream.collect(2, WAIT);
                assertEquals(List.of("new 1", "new 2"), retained.stream().map(ReceivedEvent::data).toList());
                assertEquals(after, retained.stream().map(ReceivedEvent::lastEventId).toList());
            }
        } finally {
            second.close();
        }
    }
}
