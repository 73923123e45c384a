package dev.ssejaxrs.mcp;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;

import dev.ssejaxrs.test.RawClient;

/**
 * What an MCP client sees of the demo's {@code /mcp} (the {@code count} tool), checked the same way on every server
 * that serves it (Grizzly in {@code McpStreamableTransportTest}, Tomcat in {@code TomcatIT}): through the official
 * SDK's Streamable HTTP client, and byte by byte for what that client does not do (it does not resume a cut stream in
 * 2.2.0: each SSE event gets a stream object of its own, whose error handler never sees the connection's error).
 */
public final class McpChecks {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final McpJsonMapper JSON = McpJsonDefaults.getMapper();
    private static final String ACCEPT_BOTH = "Accept: application/json, text/event-stream";
    private static final String JSON_BODY = "Content-Type: application/json";

    private McpChecks() {
    }

    /**
     * The SDK's client initializes, lists the tools, calls {@code count} and gets every progress notification once,
     * then the result.
     *
     * @param baseUrl the server's URL up to the application's root ({@code http://127.0.0.1:8080/ctx})
     * @param endpoint the MCP path under it ({@code /mcp})
     */
    public static void sdkClientCountsWithEveryProgressNotification(String baseUrl, String endpoint) {
        List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
        try (McpSyncClient client = sdkClient(baseUrl, endpoint, progress)) {
            McpSchema.InitializeResult init = client.initialize();
            assertEquals("sse-jaxrs-demo", init.serverInfo().name());
            List<String> tools = client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
            assertEquals(List.of("count"), tools);
            McpSchema.CallToolResult result = client.callTool(McpSchema.CallToolRequest.builder("count")
                    .arguments(Map.of("to", 5, "delayMs", 20)).progressToken("p-1").build());
            assertFalse(Boolean.TRUE.equals(result.isError()), "the call failed: " + result);
            assertEquals(Map.of("counted", 5), result.structuredContent());
            // every notification came before the result on the same stream, but the client hands notifications to
            // its consumers concurrently: one may still be on its way to the consumer when the result is returned
            // (seen on a loaded machine), and on Tomcat 5 arrived before 4. Each once, in any order: the wire order
            // is checked byte by byte below
            await().atMost(WAIT).until(() -> progress.size() >= 5);
            assertEquals(List.of(1.0, 2.0, 3.0, 4.0, 5.0), progress.stream().map(McpSchema.ProgressNotification::progress)
                    .sorted().toList(), "progress notifications: " + progress);
            assertTrue(progress.stream().allMatch(p -> "p-1".equals(p.progressToken())), progress.toString());
        }
    }

    /**
     * Two SDK clients call {@code count} at once: each gets its own progress notifications only.
     *
     * @param baseUrl the server's URL up to the application's root
     * @param endpoint the MCP path under it
     */
    public static void twoSessionsGetOnlyTheirOwnProgress(String baseUrl, String endpoint) throws Exception {
        List<McpSchema.ProgressNotification> first = new CopyOnWriteArrayList<>();
        List<McpSchema.ProgressNotification> second = new CopyOnWriteArrayList<>();
        try (McpSyncClient a = sdkClient(baseUrl, endpoint, first);
                McpSyncClient b = sdkClient(baseUrl, endpoint, second)) {
            a.initialize();
            b.initialize();
            var callA = java.util.concurrent.CompletableFuture.supplyAsync(() -> a.callTool(McpSchema.CallToolRequest
                    .builder("count").arguments(Map.of("to", 4, "delayMs", 30)).progressToken("a").build()));
            McpSchema.CallToolResult resultB = b.callTool(McpSchema.CallToolRequest.builder("count")
                    .arguments(Map.of("to", 3, "delayMs", 30)).progressToken("b").build());
            McpSchema.CallToolResult resultA = callA.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(Map.of("counted", 4), resultA.structuredContent());
            assertEquals(Map.of("counted", 3), resultB.structuredContent());
            // handed to the consumers concurrently: the last may arrive just after the result
            await().atMost(WAIT).until(() -> first.size() >= 4 && second.size() >= 3);
            assertEquals(List.of("a", "a", "a", "a"), first.stream().map(p -> (String) p.progressToken()).toList());
            assertEquals(List.of("b", "b", "b"), second.stream().map(p -> (String) p.progressToken()).toList());
        }
    }

    static McpSyncClient sdkClient(String baseUrl, String endpoint, List<McpSchema.ProgressNotification> progress) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(baseUrl)
                .endpoint(endpoint).build();
        return McpClient.sync(transport).requestTimeout(WAIT).initializationTimeout(WAIT)
                .progressConsumer(progress::add).build();
    }

    /**
     * A call's stream is cut after two progress notifications; a {@code GET} with the last id seen resumes it:
     * every notification and the result arrive exactly once in all, and the resumed stream ends after the result.
     *
     * @param port the server's port
     * @param path the MCP path, context included ({@code /ctx/mcp})
     */
    public static void aCutStreamResumesWithTheRestExactlyOnce(int port, String path) {
        aCutStreamResumesWithTheRestExactlyOnce(port, port, path);
    }

    /**
     * As {@link #aCutStreamResumesWithTheRestExactlyOnce(int, String)}, the call made on one node and resumed on
     * another (the registry on Redis), the tool still running on the first.
     *
     * @param port the port of the node that initializes and calls
     * @param resumePort the port of the node that resumes
     * @param path the MCP path, context included
     */
    public static void aCutStreamResumesWithTheRestExactlyOnce(int port, int resumePort, String path) {
        String session = initialize(port, path);
        List<Event> before;
        String lastId;
        try (RawClient call = post(port, path, session, callCount(7, 6, 150))) {
            assertEquals(200, call.status(), call.head());
            assertTrue(call.header("Content-Type").startsWith("text/event-stream"), call.head());
            call.readUntil("notifications/progress", 2, WAIT);
            before = events(call.body());
            Event primer = before.get(0);
            assertNotNull(primer.id, "the priming event has an id: " + before);
            assertEquals("", primer.data, "the priming event has empty data: " + before);
            assertNotNull(primer.retry, "the priming event says when to come back: " + before);
            lastId = before.get(before.size() - 1).id;
        } // the connection is cut here, mid-call
        try (RawClient resume = RawClient.get(resumePort, path, "Accept: text/event-stream",
                "Mcp-Session-Id: " + session,
                "Last-Event-ID: " + lastId)) {
            assertEquals(200, resume.status(), resume.head());
            resume.readToEnd(WAIT);
            assertTrue(resume.endedCleanly(), "the resumed stream ends after the result: " + resume.body());
            List<Event> after = events(resume.body());
            List<Double> progress = new ArrayList<>();
            for (Event e : concat(before, after)) {
                McpSchema.JSONRPCMessage m = e.message();
                if (m instanceof McpSchema.JSONRPCNotification n) {
                    progress.add(((Number) ((Map<?, ?>) n.params()).get("progress")).doubleValue());
                }
            }
            // in order on the wire, each once across the cut
            assertEquals(List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0), progress, "before: " + before + ", after: " + after);
            List<McpSchema.JSONRPCResponse> results = after.stream().map(Event::message)
                    .filter(McpSchema.JSONRPCResponse.class::isInstance).map(McpSchema.JSONRPCResponse.class::cast)
                    .toList();
            assertEquals(1, results.size(), "one result: " + after);
            assertEquals(Map.of("counted", 6), ((Map<?, ?>) results.get(0).result()).get("structuredContent"));
            assertTrue(after.stream().allMatch(e -> e.id == null || e.id.startsWith(lastId.substring(0,
                    lastId.indexOf('_') + 1))), "only the cut stream's events: " + after);
        }
        delete(resumePort, path, session);
    }

    /**
     * A second session can never read the first's events: with the first's event id as {@code Last-Event-ID} it
     * resumes its own (empty) stream of that name, which ends when it ends.
     *
     * @param port the server's port
     * @param path the MCP path, context included
     */
    public static void anotherSessionNeverReceivesTheFirstsEvents(int port, String path) {
        String first = initialize(port, path);
        String second = initialize(port, path);
        String firstsId;
        try (RawClient call = post(port, path, first, callCount(3, 2, 0))) {
            String body = call.readToEnd(WAIT);
            List<Event> events = events(body);
            firstsId = events.get(0).id;
            assertTrue(body.contains("\"counted\":2"), body);
        }
        try (RawClient other = RawClient.get(port, path, "Accept: text/event-stream", "Mcp-Session-Id: " + second,
                "Last-Event-ID: " + firstsId)) {
            assertEquals(200, other.status(), other.head());
            delete(port, path, second); // ends the second session's streams
            other.readToEnd(WAIT);
            assertFalse(other.body().contains("event: message"), "the second session got: " + other.body());
        }
        try (RawClient gone = RawClient.get(port, path, "Accept: text/event-stream", "Mcp-Session-Id: " + second)) {
            assertEquals(404, gone.status(), gone.head());
        }
        delete(port, path, first);
    }

    /** {@code initialize} and {@code notifications/initialized}: the session id. */
    static String initialize(int port, String path) {
        String init = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}";
        String session;
        try (RawClient client = RawClient.request(port, "POST", path, init, 0, ACCEPT_BOTH, JSON_BODY)) {
            String body = client.readToEnd(WAIT);
            assertEquals(200, client.status(), client.head() + body);
            assertTrue(body.contains("\"serverInfo\""), body);
            session = client.header("Mcp-Session-Id");
            assertNotNull(session, client.head());
        }
        try (RawClient client = post(port, path, session,
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")) {
            assertEquals(202, client.status(), client.head());
        }
        return session;
    }

    static RawClient post(int port, String path, String session, String body) {
        return RawClient.request(port, "POST", path, body, 0, ACCEPT_BOTH, JSON_BODY, "Mcp-Session-Id: " + session);
    }

    static void delete(int port, String path, String session) {
        try (RawClient client = RawClient.request(port, "DELETE", path, null, 0, "Mcp-Session-Id: " + session)) {
            assertEquals(204, client.status(), client.head());
        }
    }

    static String callCount(int id, int to, int delayMs) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"count\","
                + "\"arguments\":{\"to\":" + to + ",\"delayMs\":" + delayMs + "},\"_meta\":{\"progressToken\":\"t"
                + id + "\"}}}";
    }

    private static List<Event> concat(List<Event> a, List<Event> b) {
        List<Event> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** The events of a stream's text (comments, pings and incomplete trailing events left out). */
    static List<Event> events(String text) {
        List<Event> events = new ArrayList<>();
        String normal = text.replace("\r\n", "\n");
        int end = normal.lastIndexOf("\n\n");
        if (end < 0) {
            return events;
        }
        for (String block : normal.substring(0, end).split("\n\n")) {
            String id = null;
            String event = null;
            String retry = null;
            StringBuilder data = null;
            for (String line : block.split("\n")) {
                if (line.startsWith(":") || line.isEmpty()) {
                    continue;
                }
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                value = value.startsWith(" ") ? value.substring(1) : value;
                switch (field) {
                    case "id" -> id = value;
                    case "event" -> event = value;
                    case "retry" -> retry = value;
                    case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                    default -> { }
                }
            }
            if (id != null || data != null || retry != null) {
                events.add(new Event(id, event, data == null ? null : data.toString(), retry));
            }
        }
        return events;
    }

    /** One event as parsed from the wire. */
    record Event(String id, String event, String data, String retry) {
        /** The JSON-RPC message in its data, or {@code null} for the priming event and other non-messages. */
        McpSchema.JSONRPCMessage message() {
            if (data == null || data.isEmpty() || (event != null && !"message".equals(event))) {
                return null;
            }
            try {
                return McpSchema.deserializeJsonRpcMessage(JSON, data);
            } catch (IOException e) {
                throw new UncheckedIOException("not a JSON-RPC message: " + data, e);
            }
        }
    }
}
