package dev.ssejaxrs.readme;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.WebTarget;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.event.LineSeparator;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.test.TestServer;
import dev.ssejaxrs.testing.EventStreamClient;
import dev.ssejaxrs.testing.OpenEventStream;
import dev.ssejaxrs.testing.ReceivedEvent;

/** The README's Quick start classes, served by its {@link Main#application} on a real Grizzly server. */
class QuickStartTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static ScheduledExecutorService clock;
    private static TestServer server;
    private static Client client;

    @BeforeAll
    static void start() {
        clock = Executors.newSingleThreadScheduledExecutor();
        server = TestServer.start(Main.application(clock));
        client = ClientBuilder.newClient();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
        clock.shutdownNow();
    }

    private static WebTarget target(String path) {
        return client.target("http://127.0.0.1:" + server.port + "/" + path);
    }

    @Test
    void numbersArriveOneByOneThenTheStreamEnds() {
        try (OpenEventStream stream = EventStreamClient.open(target("numbers").queryParam("from", 1).queryParam("to", 3))) {
            assertEquals(200, stream.status());
            assertEquals(List.of("1", "2", "3"), stream.collect(3, WAIT).stream().map(ReceivedEvent::data).toList());
            stream.awaitEnd(WAIT);
        }
    }

    @Test
    void endlessCountsFromOneAndStopsWhenTheClientLeaves() {
        // streams of the tests before may still be closing: a count taken now could drop below itself later
        await().atMost(WAIT).until(() -> server.runtime().activeStreams() == 0);
        try (OpenEventStream stream = EventStreamClient.open(target("endless"))) {
            assertEquals(List.of("1", "2", "3"), stream.collect(3, WAIT).stream().map(ReceivedEvent::data).toList());
        }
        await().atMost(WAIT).until(() -> server.runtime().activeStreams() == 0);
    }

    @Test
    void theSinkRouteStreamsThePricesThenEnds() {
        try (OpenEventStream stream = EventStreamClient.open(target("prices"))) {
            assertEquals(List.of("41.5", "42.0", "42.5"),
                    stream.collect(3, WAIT).stream().map(ReceivedEvent::data).toList());
            stream.awaitEnd(WAIT);
        }
    }

    @Test
    void publishAnswers201WithJsonWithoutAJsonProviderAndSubscribersGetTheEventThenReplay() {
        try (OpenEventStream live = EventStreamClient.open(target("topics/quick"))) {
            Response first = target("topics/quick").request().post(Entity.text("first"));
            assertEquals(201, first.getStatus());
            assertTrue(first.getMediaType().isCompatible(MediaType.APPLICATION_JSON_TYPE), first.getMediaType()::toString);
            String body = first.readEntity(String.class);
            assertTrue(body.matches("\\{\"id\":\"\\d+-\\d+\"}"), body);
            String id = body.substring(7, body.length() - 2);
            target("topics/quick").request().post(Entity.text("second")).close();

            List<ReceivedEvent> events = live.collect(2, WAIT);
            assertEquals(List.of("first", "second"), events.stream().map(ReceivedEvent::data).toList());
            assertEquals(id, events.get(0).lastEventId());
            try (OpenEventStream resumed = EventStreamClient.open(target("topics/quick"), id)) {
                assertEquals("second", resumed.next(WAIT).data());   // the retained event after the id
            }
        }
    }

    @Test
    void theEventExamplesBuildAndEncodeAsTheirCommentsSay() {
        EventExamples.build();
        assertEquals("id: 5\nevent: update\ndata: Update 5\ndata: Time: 12:00:05\nretry: 3000\n\n",
                lf(SseEvent.builder().event("update").id("5").data("Update 5\nTime: 12:00:05")
                        .retry(Duration.ofSeconds(3)).build()));
        assertEquals("data: hello\n\n", lf(SseEvent.of("hello")));
        assertEquals("data: {\"price\":42}\n\n", lf(SseEvent.json(Map.of("price", 42))));
        assertEquals(": just a comment\n\n", lf(SseEvent.comment("just a comment")));
    }

    private static String lf(SseEvent event) {
        return new String(event.encode(LineSeparator.LF), StandardCharsets.UTF_8);
    }

    @Test
    void aColdSourceDeliversItsFirstItemsWhileAHotOneFedBeforeTheStreamLosesThem() {
        try (TestServer sources = TestServer.start(SourcesResource.class);
             OpenEventStream cold = EventStreamClient.open(client.target("http://127.0.0.1:" + sources.port + "/cold"));
             OpenEventStream hot = EventStreamClient.open(client.target("http://127.0.0.1:" + sources.port + "/hot"))) {
            assertEquals(List.of("first", "second"), cold.collect(2, WAIT).stream().map(ReceivedEvent::data).toList());
            hot.awaitEnd(WAIT);                    // ends with no event: both were emitted before it subscribed
            assertThrows(AssertionError.class, () -> hot.next(Duration.ofMillis(1)));
        }
    }

    @Test
    void shutdownEndsTheFeedWithItsFarewell() {
        ScheduledExecutorService own = Executors.newSingleThreadScheduledExecutor();
        TestServer stopping = TestServer.start(Main.application(own));
        try (OpenEventStream stream = EventStreamClient.open(
                client.target("http://127.0.0.1:" + stopping.port + "/feed"))) {
            assertEquals(200, stream.status());
            await().atMost(WAIT).until(() -> stopping.runtime().activeStreams() == 1);
            CompletableFuture<Void> stopped = CompletableFuture.runAsync(stopping::close);
            ReceivedEvent farewell = stream.next(WAIT);
            assertEquals("shutdown", farewell.type());
            assertEquals("bye", farewell.data());
            stream.awaitEnd(WAIT);
            stopped.join();
        } finally {
            stopping.close();
            own.shutdownNow();
        }
    }
}
