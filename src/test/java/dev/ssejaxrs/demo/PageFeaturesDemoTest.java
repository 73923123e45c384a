package dev.ssejaxrs.demo;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.core.Response;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.ssejaxrs.redis.RedisProcess;
import dev.ssejaxrs.test.RawClient;
import dev.ssejaxrs.testing.EventStreamClient;
import dev.ssejaxrs.testing.OpenEventStream;
import dev.ssejaxrs.testing.ReceivedEvent;

/**
 * The demo's rows of issue 28, as a client sees them: {@code GET /topics/{topic}/presence} (one node and two on one
 * Redis), {@code POST}/{@code GET /prices} in latest-value mode, and the todo page rendered with its cursor.
 */
class PageFeaturesDemoTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    @RegisterExtension
    static final RedisProcess redis = RedisProcess.perTestClass();
    private static DemoServer a;
    private static DemoServer b;
    private static final Client CLIENT = ClientBuilder.newClient();

    @BeforeAll
    static void start() throws IOException {
        a = DemoServer.start(0, null, redis.uri(), null);
        b = DemoServer.start(0, a.jdbcUrl(), redis.uri(), null);
    }

    @AfterAll
    static void stop() {
        CLIENT.close();
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    private static String get(DemoServer node, String path, int status) {
        try (RawClient client = RawClient.get(node.port(), path)) {
            String answer = client.readToEnd(WAIT);
            assertEquals(status, client.status(), path + ": " + answer);
            assertTrue(client.header("Content-Type").startsWith("application/json"), client.head());
            return answer;
        }
    }

    private static String post(DemoServer node, String path, String body, int status) {
        try (RawClient client = RawClient.request(node.port(), "POST", path, body, 0,
                "Content-Type: application/json")) {
            String answer = client.readToEnd(WAIT);
            assertEquals(status, client.status(), path + ": " + answer);
            assertTrue(client.header("Content-Type").startsWith("application/json"), client.head());
            return answer;
        }
    }

    private static OpenEventStream open(DemoServer node, String path) {
        return EventStreamClient.open(CLIENT.target("http://127.0.0.1:" + node.port() + path));
    }

    @Test
    void presence_countsTheTopicsStreamsOnEveryNode_andAnEndedOneLeavesTheCount() {
        assertEquals("{\"topic\":\"watched\",\"count\":0}", get(a, "/topics/watched/presence", 200));
        try (OpenEventStream watcher = open(a, "/topics/watched/presence/stream");
                OpenEventStream onA = open(a, "/topics/watched")) {
            try (OpenEventStream onB = open(b, "/topics/watched")) {
                assertEquals(200, onB.status());
                await().atMost(WAIT).until(() -> get(a, "/topics/watched/presence", 200)
                        .equals("{\"topic\":\"watched\",\"count\":2}"));
                await().atMost(WAIT).until(() -> get(b, "/topics/watched/presence", 200)
                        .equals("{\"topic\":\"watched\",\"count\":2}"));
                watcher.awaitEvent(e -> e.data().startsWith("{\"count\":2,"), WAIT);
            }
            await().atMost(WAIT).until(() -> get(a, "/topics/watched/presence", 200)
                    .equals("{\"topic\":\"watched\",\"count\":1}"));
            watcher.awaitEvent(e -> e.data().startsWith("{\"count\":1,"), WAIT);
            assertEquals(200, onA.status());
        }
        get(a, "/topics/bad%0Aname/presence", 400);
        post(a, "/topics/presence:watched", "fake", 201); // a client topic of that name: not the presence events
        await().atMost(WAIT).until(() -> get(b, "/topics/watched/presence", 200)
                .equals("{\"topic\":\"watched\",\"count\":0}"));
    }

    @Test
    void prices_aNewSubscriberFirstGetsTheLatestPriceOfEverySymbol_thenLiveOnes() {
        post(a, "/prices", "{\"symbol\":\"ACME\",\"price\":10}", 201);
        post(b, "/prices", "{\"symbol\":\"INIT\",\"price\":5.5}", 201);
        String acme = post(a, "/prices", "{\"symbol\":\"ACME\",\"price\":11.25}", 201);
        post(a, "/prices", "not json", 400);
        post(a, "/prices", "{\"symbol\":\"ACME\"}", 400);
        post(a, "/prices", "{\"symbol\":\"\",\"price\":1}", 400);
        post(a, "/prices", "{\"symbol\":\"ACME\",\"price\":\"12\"}", 400);

        try (OpenEventStream prices = open(b, "/prices")) {
            List<ReceivedEvent> first = prices.collect(2, WAIT);
            assertEquals(List.of("{\"symbol\":\"INIT\",\"price\":5.5}", "{\"symbol\":\"ACME\",\"price\":11.25}"),
                    first.stream().map(ReceivedEvent::data).toList());
            assertEquals(List.of("price", "price"), first.stream().map(ReceivedEvent::type).toList());
            post(a, "/prices", "{\"symbol\":\"INIT\",\"price\":6}", 201);
            assertEquals("{\"symbol\":\"INIT\",\"price\":6}", prices.next(WAIT).data());
        }
        String id = acme.substring(acme.indexOf(":\"") + 2, acme.lastIndexOf('"'));
        try (OpenEventStream resumed = EventStreamClient.open(CLIENT.target("http://127.0.0.1:" + a.port()
                + "/prices"), id)) {
            assertEquals("{\"symbol\":\"INIT\",\"price\":6}", resumed.next(WAIT).data(), "with an id: the replay");
        }
    }

    @Test
    void todoPage_isRenderedWithItsRows_andSubscribesFromTheCursorOfThatRender() throws Exception {
        post(a, "/todos", "{\"title\":\"before the page <b>\"}", 201);
        Response page = CLIENT.target("http://127.0.0.1:" + a.port() + "/todos").request().get();
        String html = page.readEntity(String.class);
        assertTrue(html.contains("<td class=\"title\">before the page &lt;b&gt;</td>"), html);
        String cursor = EventStreamClient.cursor(page);
        assertTrue(html.contains("data-cursor=\"" + cursor + "\""), html);

        post(a, "/todos", "{\"title\":\"after the render\"}", 201);
        try (OpenEventStream stream = EventStreamClient.open(CLIENT.target("http://127.0.0.1:" + a.port()
                + "/todos/stream"), cursor)) {
            ReceivedEvent next = stream.next(WAIT);
            assertEquals("todo_added", next.type());
            assertTrue(next.data().contains("\"title\":\"after the render\""), next.data());
        }
    }
}
