package dev.ssejaxrs.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.ssejaxrs.test.RawClient;

/**
 * Every bad body or parameter of {@code /emit}, {@code /topics} and {@code /events} gets a 4xx JSON error naming
 * the field, in under a second (raw HTTP); {@code /stats} stays small however many addresses were used.
 */
class DemoInputTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String LONG = "x".repeat(201);
    private static DemoServer demo;

    @BeforeAll
    static void start() throws IOException {
        demo = DemoServer.start(0);
    }

    @AfterAll
    static void stop() {
        demo.close();
    }

    /** Sends one request; checks the status, the JSON error naming {@code named}, and that it took under 1 s. */
    private static void assertRefused(String method, String path, String body, int status, String named) {
        long start = System.nanoTime();
        try (RawClient client = RawClient.request(demo.port(), method, path, body, 0,
                "Content-Type: application/json")) {
            String answer = client.readToEnd(WAIT);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(status, client.status(), path + " " + body + ": " + answer);
            assertTrue(client.header("Content-Type").startsWith("application/json"), client.head());
            assertTrue(answer.startsWith("{\"error\":\"" + named), answer);
            assertTrue(millis < 1000, path + " took " + millis + " ms");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "`{\"event_name\": \"a\\rb\", \"recipient_id\": \"u\"}`|event_name",
        "`{\"event_name\": \"a\\nb\", \"recipient_id\": \"u\"}`|event_name",
        "`{\"event_name\": \"a\", \"recipient_id\": \"   \"}`|recipient_id",
        "`{\"event_name\": \"a\", \"recipient_id\": \"a\\u0001b\"}`|recipient_id",
        "`{\"event_name\": \"a\", \"recipient_id\": \"u\", \"event_id\": 1e99999999}`|event_id",
        "`{\"event_name\": \"a\", \"recipient_id\": \"u\", \"event_id\": 1e-99999999}`|event_id",
        "`{\"event_name\": \"a\", \"recipient_id\": \"u\", \"event_id\": 9223372036854775808}`|event_id",
        "`{\"event_name\": \"a\", \"recipient_id\": \"u\", \"event_id\": 1.5}`|event_id",
        "`{\"event_name\": \"a\", \"recipient_id\": \"u\", \"event_id\": \"7\"}`|event_id",
        "`{\"event_name\": \"a\", \"recipient_id\": \"u\", \"event_data\": 5}`|event_data",
        "`{\"recipient_id\": \"u\"}`|event_name",
        "`[1, 2]`|body",
        "`{\"event_name\": `|body"})
    void emit_badBodies_are400NamingTheField(String body, String named) {
        assertRefused("POST", "/emit", body, 400, named);
    }

    @Test
    void emit_overLongRecipientAndDeepNesting_are400() {
        assertRefused("POST", "/emit", "{\"event_name\": \"a\", \"recipient_id\": \"" + LONG + "\"}", 400,
                "recipient_id");
        assertRefused("POST", "/emit", "[".repeat(100_000) + "]".repeat(100_000), 400, "body");
    }

    @Test
    void emit_aLargestIntegerId_isAccepted() {
        try (RawClient client = RawClient.request(demo.port(), "POST", "/emit",
                "{\"event_name\": \"a\", \"recipient_id\": \"u\", \"event_id\": 9223372036854775807}", 0)) {
            assertEquals(202, client.status(), client.readToEnd(WAIT));
        }
    }

    @Test
    void bodiesOverOneMebibyte_are413_withOrWithoutALength() throws Exception {
        String big = "{\"event_name\": \"a\", \"recipient_id\": \"u\", \"event_data\": \"" + "d".repeat(1 << 20)
                + "\"}";
        assertRefused("POST", "/emit", big, 413, "body");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        byte[] bytes = big.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        HttpResponse<String> chunked = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + demo.port() + "/topics/big"))
                .timeout(WAIT)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(413, chunked.statusCode(), chunked.body());
        assertTrue(chunked.body().startsWith("{\"error\":\"body"), chunked.body());
    }

    @Test
    void topicsAndEvents_badNames_are400NamingTheParameter() {
        assertRefused("GET", "/topics/" + LONG, null, 400, "topic");
        assertRefused("POST", "/topics/" + LONG, "x", 400, "topic");
        assertRefused("POST", "/topics/a?event=a%0Db", "x", 400, "event");
        assertRefused("GET", "/topics/a%01b", null, 400, "topic");
        assertRefused("GET", "/subscribe/" + LONG, null, 400, "recipient");
        assertRefused("GET", "/events", null, 400, "topic");
        assertRefused("GET", "/events?topic=", null, 400, "topic");
        assertRefused("GET", "/events?topic=a&topic=" + LONG, null, 400, "topic");
        assertRefused("GET", "/events?topic=a&recipient=%0A", null, 400, "recipient");
        StringBuilder many = new StringBuilder("/events?topic=t0");
        for (int i = 1; i <= EventsResource.MAX_TOPICS; i++) {
            many.append("&topic=t").append(i);
        }
        assertRefused("GET", many.toString(), null, 400, "topic");
    }

    @Test
    void events_carriesSeveralTopicsOnOneStream_inPublishOrder_andResumesFromOneId() {
        String start;
        try (RawClient post = RawClient.request(demo.port(), "POST", "/topics/left", "before", 0)) {
            start = post.readToEnd(WAIT).replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
        }
        // from the id on: whatever is published once the request is sent arrives, replayed or live
        try (RawClient stream = RawClient.get(demo.port(),
                "/events?topic=left&topic=right&recipient=me&lastEventId=" + start)) {
            assertEquals(200, stream.status());
            for (String path : List.of("/topics/right", "/topics/other", "/topics/left")) {
                try (RawClient post = RawClient.request(demo.port(), "POST", path, path, 0)) {
                    assertEquals(201, post.status());
                }
            }
            String received = stream.readUntil("data: /topics/left", WAIT);
            assertTrue(received.matches("(?s)id: \\d+-\\d+\r\ndata: /topics/right\r\n\r\n"
                    + "id: \\d+-\\d+\r\ndata: /topics/left.*"), received);
        }
    }

    @Test
    void stats_staySmall_whateverTheNumberOfAddresses() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < 300; i++) { // six times what /stats lists
            HttpResponse<String> posted = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + demo.port() + "/topics/many" + i))
                    .POST(HttpRequest.BodyPublishers.ofString("e")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(201, posted.statusCode());
        }
        String stats = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demo.port() + "/stats"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(stats.length() < 10_000, stats.length() + " bytes");
        assertTrue(stats.matches("(?s).*\"addresses\":([3-9]\\d\\d|\\d{4,}),.*"), stats);
    }
}
