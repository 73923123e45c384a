package dev.ssejaxrs.demo;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.ssejaxrs.test.RawClient;
import dev.ssejaxrs.testing.EventStreamReader;
import dev.ssejaxrs.testing.ReceivedEvent;

/**
 * The demo's use cases over real HTTP, with its embedded PostgreSQL: the todo change feed, job progress, the htmx
 * endpoints, the live figures and the webjar files; and a start without a single warning.
 */
class UseCasesDemoTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final List<LogRecord> STARTUP_WARNINGS = new ArrayList<>();
    private static DemoServer demo;
    private static HttpClient http;

    @BeforeAll
    static void start() throws IOException {
        Logger root = Logger.getLogger("");
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    synchronized (STARTUP_WARNINGS) {
                        STARTUP_WARNINGS.add(record);
                    }
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        root.addHandler(capture);
        try {
            demo = DemoServer.start(0);
        } finally {
            root.removeHandler(capture);
        }
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    @AfterAll
    static void stop() {
        if (demo != null) {
            demo.close();
        }
    }

    private static HttpResponse<String> send(String method, String path, String contentType, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demo.port() + path))
                .timeout(WAIT);
        if (body != null) {
            request.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> postJson(String path, String json) throws Exception {
        return send("POST", path, "application/json", json);
    }

    private static RawClient stream(String path, String... headers) {
        RawClient client = RawClient.get(demo.port(), path, headers);
        assertEquals(200, client.status(), client.head());
        assertEquals("text/event-stream;charset=UTF-8", client.header("Content-Type"));
        return client;
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"?([^\",}]*)").matcher(json);
        assertTrue(m.find(), name + " in " + json);
        return m.group(1);
    }

    @Test
    void demo_startsWithoutWarnings() {
        synchronized (STARTUP_WARNINGS) {
            assertEquals(List.of(), STARTUP_WARNINGS.stream()
                    .map(r -> r.getLoggerName() + ": " + r.getMessage()).toList());
        }
    }

    @Test
    void todos_rowsFromThisDemoAndFromAnyOtherClient_reachEveryStream() throws Exception {
        try (RawClient first = stream("/todos/stream"); RawClient second = stream("/todos/stream")) {
            HttpResponse<String> created = postJson("/todos", "{\"title\": \"buy milk\"}");
            assertEquals(201, created.statusCode(), created.body());
            String id = field(created.body(), "id");
            try (Connection c = DriverManager.getConnection(demo.jdbcUrl()); Statement s = c.createStatement()) {
                s.executeUpdate("insert into todos (title) values ('from psql')"); // any other client
            }
            for (RawClient client : List.of(first, second)) {
                String body = client.readUntil("from psql", WAIT);
                assertTrue(body.contains("event: todo_added\r\ndata: {\"id\":" + id + ",\"title\":\"buy milk\","
                        + "\"created_at\":\""), body);
                assertTrue(body.indexOf("buy milk") < body.indexOf("from psql"), "in insert order: " + body);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{}|title is required",
        "{\"title\": \"  \"}|title is required",
        "{\"title\": 5}|title is required",
        "[1]|body must be a JSON object",
        "{oops|body is not valid JSON"})
    void todos_badBody_is400NamingTheField(String body, String message) throws Exception {
        HttpResponse<String> response = postJson("/todos", body);
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(response.body().startsWith("{\"error\":\"" + message), response.body());
    }

    @Test
    void job_streamsProgressInOrder_thenDone_thenEnds_andIs204Afterwards() throws Exception {
        HttpResponse<String> started = postJson("/jobs", "{\"steps\": 4, \"stepMs\": 250}");
        assertEquals(201, started.statusCode(), started.body());
        String id = field(started.body(), "id");
        try (RawClient progress = stream("/jobs/" + id + "/progress")) {
            String body = progress.readToEnd(WAIT);
            StringBuilder expected = new StringBuilder();
            for (int i = 1; i <= 4; i++) {
                expected.append("id: *\r\nevent: progress\r\ndata: {\"done\":").append(i)
                        .append(",\"total\":4}\r\n\r\n");
            }
            expected.append("id: *\r\nevent: done\r\ndata: {\"done\":4,\"total\":4}\r\n\r\n");
            assertEquals(expected.toString(), body.replaceAll("(?m)^:.*\r\n\r\n", "")
                    .replaceAll("id: \\d+-\\d+\r\n", "id: *\r\n"), "the registry's ids");
        }
        HttpResponse<String> finished = send("GET", "/jobs/" + id + "/progress", null, null);
        assertEquals(204, finished.statusCode(), "a finished job answers 204: the browser stops reconnecting");
    }

    @Test
    void job_followerLeaves_jobGoesOn_andAReconnectPicksUpTheCurrentProgress() throws Exception {
        String id = field(postJson("/jobs", "{\"steps\": 30, \"stepMs\": 100}").body(), "id");
        try (RawClient first = stream("/jobs/" + id + "/progress")) {
            first.readUntil("{\"done\":2,", WAIT);
        }
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> progressOf(id) >= 6);
        try (RawClient again = stream("/jobs/" + id + "/progress")) {
            String body = again.readUntil("event: progress", WAIT);
            int firstSeen = Integer.parseInt(field(body, "done"));
            assertTrue(firstSeen >= 6, "starts at the current step, not at 1: " + body);
            assertTrue(again.readToEnd(WAIT).contains("event: done"));
        }
        try (RawClient resumed = RawClient.get(demo.port(), "/jobs/" + id + "/progress", "Last-Event-ID: 28")) {
            assertEquals(204, resumed.status(), "finished: 204 even to a client that resumes; " + resumed.head());
        }
    }

    private static int progressOf(String id) throws Exception {
        try (RawClient probe = stream("/jobs/" + id + "/progress")) {
            return Integer.parseInt(field(probe.readUntil("event: progress", WAIT), "done"));
        }
    }

    @Test
    void job_resumesAfterLastEventId() throws Exception {
        String id = field(postJson("/jobs", "{\"steps\": 5, \"stepMs\": 100}").body(), "id");
        String third;
        try (RawClient first = stream("/jobs/" + id + "/progress")) {
            String body = first.readUntil("{\"done\":3,", WAIT);
            Matcher ids = Pattern.compile("id: (\\d+-\\d+)\r\nevent: progress\r\ndata: \\{\"done\":3,").matcher(body);
            assertTrue(ids.find(), body);
            third = ids.group(1);
        }
        try (RawClient resumed = stream("/jobs/" + id + "/progress", "Last-Event-ID: " + third)) {
            String body = resumed.readToEnd(WAIT);
            assertTrue(body.matches("(?s)id: \\d+-\\d+\r\nevent: progress\r\ndata: \\{\"done\":4,.*"), body);
            assertTrue(body.contains("{\"done\":5,") && body.endsWith("event: done\r\ndata: {\"done\":5,\"total\":5}"
                    + "\r\n\r\n"), body);
        }
    }

    @Test
    void job_thatFails_endsItsStreamWithAnErrorEvent() throws Exception {
        String id = field(postJson("/jobs", "{\"steps\": 5, \"stepMs\": 300, \"failAt\": 3}").body(), "id");
        try (RawClient progress = stream("/jobs/" + id + "/progress")) {
            String body = progress.readToEnd(WAIT);
            assertTrue(body.matches("(?s).*data: \\{\"done\":2,\"total\":5}\r\n\r\nid: \\d+-\\d+\r\nevent: error\r\n"
                    + "data: \\{\"message\":\"step 3 failed\"}\r\n\r\n"), body);
            assertFalse(body.contains("\"done\":3"), body);
        }
        assertEquals(204, send("GET", "/jobs/" + id + "/progress", null, null).statusCode());
    }

    @Test
    void job_unknown_is404Json() throws Exception {
        HttpResponse<String> response = send("GET", "/jobs/no-such-job/progress", null, null);
        assertEquals(404, response.statusCode());
        assertEquals("{\"error\":\"no job with id \\\"no-such-job\\\"\"}", response.body());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{\"steps\": 0}|steps must be an integer from 1 to 10000",
        "{\"steps\": 2.5}|steps must be an integer",
        "{\"steps\": \"3\"}|steps must be an integer",
        "{\"steps\": 3, \"stepMs\": -1}|stepMs must be an integer from 0 to 60000",
        "{\"steps\": 3, \"failAt\": 4}|failAt must be an integer from 0 to 3",
        "nope|body is not valid JSON"})
    void job_badValues_are400NamingTheField(String body, String message) throws Exception {
        HttpResponse<String> response = postJson("/jobs", body);
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(response.body().startsWith("{\"error\":\"" + message), response.body());
    }

    /** {@code POST /chat} as {@code fetch} sends it: a JSON body, the answer read as it arrives. */
    private static HttpResponse<InputStream> ask(String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demo.port() + "/chat"))
                .timeout(WAIT).header("Content-Type", "application/json").header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    private static List<ReceivedEvent> readAll(EventStreamReader reader) throws IOException {
        List<ReceivedEvent> events = new ArrayList<>();
        for (ReceivedEvent event = reader.next(); event != null; event = reader.next()) {
            events.add(event);
        }
        return events;
    }

    private static List<String> tokens(int from, int to) {
        List<String> words = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            words.add("w" + i);
        }
        return words;
    }

    @Test
    void chat_postStreamsTokensWithIds_thenDone_andEnds_andTheAnswerIsKeptForResumes() throws Exception {
        HttpResponse<InputStream> response = ask("{\"prompt\": \"hello\", \"words\": 5, \"wordMs\": 10}");
        assertEquals(200, response.statusCode());
        assertEquals("text/event-stream;charset=UTF-8", response.headers().firstValue("Content-Type").orElse(""));
        String location = response.headers().firstValue("Location").orElse("");
        assertTrue(location.matches("/chat/[0-9a-z]+-[A-Za-z0-9_-]{22}"), location);
        List<ReceivedEvent> events;
        try (EventStreamReader reader = EventStreamReader.of(response.body())) {
            events = readAll(reader);
        }
        assertEquals(6, events.size(), events.toString());
        assertEquals(tokens(1, 5), events.subList(0, 5).stream().map(ReceivedEvent::data).toList());
        assertTrue(events.subList(0, 5).stream().allMatch(e -> e.type().equals("token") && !e.lastEventId().isEmpty()),
                events.toString());
        assertEquals("done", events.get(5).type());
        assertEquals("{\"words\":5}", events.get(5).data());

        try (RawClient again = stream(location, "Last-Event-ID: " + events.get(2).lastEventId())) {
            String body = again.readToEnd(WAIT);
            assertTrue(body.contains("data: w4\r\n") && body.contains("data: w5\r\n") && !body.contains("data: w3\r\n")
                    && body.endsWith("event: done\r\ndata: {\"words\":5}\r\n\r\n"), body);
        }
        HttpResponse<String> all = send("GET", location, null, null);
        assertEquals(200, all.statusCode());
        for (String word : tokens(1, 5)) {
            assertTrue(all.body().contains("data: " + word + "\r\n"), all.body());
        }
        try (RawClient ended = RawClient.get(demo.port(), location, "Last-Event-ID: " + events.get(5).lastEventId())) {
            assertEquals(204, ended.status(), "the client has the whole answer: " + ended.head());
        }
    }

    @Test
    void chat_resumeMidAnswer_getsEachWordOnce_andDeleteCancelsIt() throws Exception {
        HttpResponse<InputStream> response = ask("{\"prompt\": \"hi\", \"words\": 1000, \"wordMs\": 20}");
        String location = response.headers().firstValue("Location").orElseThrow();
        List<ReceivedEvent> seen = new ArrayList<>();
        try (EventStreamReader reader = EventStreamReader.of(response.body())) {
            while (seen.size() < 3) {
                seen.add(reader.next());
            }
        } // the client goes away; the answer goes on
        try (RawClient resumed = stream(location, "Last-Event-ID: " + seen.get(2).lastEventId())) {
            String body = resumed.readUntil("data: w6\r\n", WAIT);
            assertTrue(body.startsWith("id: ") && body.indexOf("data: w4\r\n") < body.indexOf("data: w5\r\n")
                    && !body.contains("data: w3\r\n"), body);
            assertEquals(204, send("DELETE", location, null, null).statusCode());
            String rest = resumed.readToEnd(WAIT);
            assertTrue(rest.endsWith("event: cancelled\r\ndata: {\"cancelled\":true}\r\n\r\n"), rest);
            assertFalse(rest.contains("data: w1000\r\n"), "cancelled before the end");
        }
    }

    @Test
    void chat_unknownIds_are404Json_andBadBodies_are400NamingTheField() throws Exception {
        HttpResponse<String> unknown = send("GET", "/chat/no-such-answer", null, null);
        assertEquals(404, unknown.statusCode());
        assertTrue(unknown.body().startsWith("{\"error\":\"no stream with id"), unknown.body());
        assertEquals(404, send("DELETE", "/chat/no-such-answer", null, null).statusCode());
        for (String[] bad : new String[][] {
            {"{\"words\": 3}", "prompt is required"},
            {"{\"prompt\": \"x\", \"words\": 0}", "words must be an integer from 1 to 1000"},
            {"{\"prompt\": \"x\", \"words\": 1001}", "words must be an integer from 1 to 1000"},
            {"{\"prompt\": \"x\", \"wordMs\": 1001}", "wordMs must be an integer from 0 to 1000"},
            {"{oops", "body is not valid JSON"}}) {
            HttpResponse<String> response = postJson("/chat", bad[0]);
            assertEquals(400, response.statusCode(), bad[0] + ": " + response.body());
            assertTrue(response.body().startsWith("{\"error\":\"" + bad[1]), response.body());
        }
    }

    @Test
    void htmx_messagesArriveAsEscapedFragments() throws Exception {
        try (RawClient fragments = stream("/htmx/stream")) {
            HttpResponse<String> posted = send("POST", "/htmx/messages", "application/x-www-form-urlencoded",
                    "text=" + URLEncoder.encode("<b>bold</b> & \"quoted\"", StandardCharsets.UTF_8));
            assertEquals(204, posted.statusCode(), posted.body());
            String body = fragments.readUntil("</li>", WAIT);
            assertTrue(body.matches("(?s)id: \\d+-\\d+\r\nevent: message\r\ndata: <li><time>\\d\\d:\\d\\d:\\d\\d</time> "
                    + "&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;</li>\r\n.*"), body);
        }
        HttpResponse<String> blank = send("POST", "/htmx/messages", "application/x-www-form-urlencoded", "text=+");
        assertEquals(400, blank.statusCode());
        assertTrue(blank.body().startsWith("{\"error\":\"text is required"), blank.body());
    }

    @Test
    void pagesAndTheirScripts_areServedFromTheClassPath() throws Exception {
        String htmx = send("GET", "/htmx", null, null).body();
        assertTrue(htmx.contains("sse-connect=\"/htmx/stream\"") && htmx.contains("sse-swap=\"message\""), htmx);
        for (String script : List.of("/webjars/htmx.org/dist/htmx.min.js", "/webjars/htmx-ext-sse/sse.js",
                "/webjars/uplot/dist/uPlot.iife.min.js")) {
            HttpResponse<String> js = send("GET", script, null, null);
            assertEquals(200, js.statusCode(), script);
            assertEquals("text/javascript;charset=UTF-8", js.headers().firstValue("Content-Type").orElseThrow());
            assertTrue(js.body().length() > 5_000, script);
        }
        assertEquals(404, send("GET", "/webjars/jquery/jquery.js", null, null).statusCode());
        assertEquals(404, send("GET", "/webjars/uplot/dist/..%2F..%2Fpackage.json", null, null).statusCode());
        // the pages' scripts are files of their own (the Content-Security-Policy runs no inline script)
        assertTrue(send("GET", "/todos", null, null).body().contains("<script src=\"/assets/todos.js\">"));
        assertTrue(send("GET", "/assets/todos.js", null, null).body().contains("new EventSource('/todos/stream'"));
        assertEquals(404, send("GET", "/assets/..%2Fhtmx.html", null, null).statusCode());
        String front = send("GET", "/", null, null).body();
        for (String link : List.of("/todos", "/htmx", "/numbers", "/stream", "/endless", "/subscribe/", "/topics/",
                "/events?topic=", "/stats/stream", "/jobs")) {
            assertTrue(front.contains(link), "the front page links " + link);
        }
    }

    @Test
    void statsStream_sendsTheServersFiguresEverySecond() throws Exception {
        try (RawClient stats = stream("/stats/stream")) {
            String body = stats.readUntil("event: stats", 3, WAIT);
            String[] events = body.split("\r\n\r\n");
            String last = events[2];
            for (String figure : List.of("time", "activeStreams", "eventsPerSecond", "eventsWritten", "subscribers",
                    "published", "dropped")) {
                assertTrue(last.contains("\"" + figure + "\":"), figure + " in " + last);
            }
            assertTrue(Integer.parseInt(field(last, "activeStreams")) >= 1, last);
            assertTrue(Long.parseLong(field(last, "eventsWritten")) > Long.parseLong(field(events[0], "eventsWritten")),
                    "its own events are counted: " + body);
            assertTrue(Long.parseLong(field(last, "eventsPerSecond")) >= 1, last);
        }
    }
}
