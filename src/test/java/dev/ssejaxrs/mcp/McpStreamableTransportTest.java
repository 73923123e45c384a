package dev.ssejaxrs.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.awaitility.Awaitility;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.spec.McpSchema;

import dev.ssejaxrs.broadcast.BroadcastFeature;
import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.broadcast.RegistryOptions;
import dev.ssejaxrs.demo.McpCountServer;
import dev.ssejaxrs.test.RawClient;
import dev.ssejaxrs.test.TestServer;

/**
 * The demo's {@code /mcp} ({@link McpCountServer} on {@link McpStreamableTransport}) on Grizzly, with the registry in
 * memory: the official SDK's client, a cut stream resumed with {@code Last-Event-ID}, sessions kept apart, and the
 * HTTP edges (404 for an unknown, ended or expired session, 4xx JSON for bad requests).
 */
class McpStreamableTransportTest {
    private static EventRegistry registry;
    private static McpCountServer mcp;
    private static TestServer server;

    @BeforeAll
    static void start() {
        registry = new EventRegistry(RegistryOptions.defaults());
        mcp = McpCountServer.start(registry);
        server = TestServer.start(new ResourceConfig().register(new BroadcastFeature(registry))
                .registerResources(mcp.resource()));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (mcp != null) {
            mcp.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    private static String base() {
        return "http://127.0.0.1:" + server.port;
    }

    @Test
    void theSdkClientCountsAndGetsEveryProgressNotification() {
        McpChecks.sdkClientCountsWithEveryProgressNotification(base(), "/mcp");
    }

    @Test
    void twoSdkClientsGetOnlyTheirOwnProgress() throws Exception {
        McpChecks.twoSessionsGetOnlyTheirOwnProgress(base(), "/mcp");
    }

    @Test
    void aCutStreamResumesWithTheRestExactlyOnce() {
        McpChecks.aCutStreamResumesWithTheRestExactlyOnce(server.port, "/mcp");
    }

    @Test
    void anotherSessionNeverReceivesTheFirstsEvents() {
        McpChecks.anotherSessionNeverReceivesTheFirstsEvents(server.port, "/mcp");
    }

    @Test
    void anEndedSessionIsNotFound() {
        String session = McpChecks.initialize(server.port, "/mcp");
        McpChecks.delete(server.port, "/mcp", session);
        try (RawClient post = McpChecks.post(server.port, "/mcp", session, McpChecks.callCount(2, 1, 0))) {
            assertEquals(404, post.status(), post.head());
            assertTrue(post.readToEnd(McpChecks.WAIT).contains("\"error\":\"no MCP session"), post.body());
        }
        try (RawClient delete = RawClient.request(server.port, "DELETE", "/mcp", null, 0,
                "Mcp-Session-Id: " + session)) {
            assertEquals(404, delete.status(), delete.head());
        }
    }

    @Test
    void theServersOwnStreamCarriesItsNotificationsAndEndsWithTheSession() {
        McpStreamableTransport transport = McpStreamableTransport.builder(registry).addressPrefix("own").build();
        McpSyncServer own = McpServer.sync(transport).serverInfo("own", "1")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build()).build();
        try (TestServer other = TestServer.start(new ResourceConfig().registerResources(transport.resource("/o")))) {
            String session = McpChecks.initialize(other.port, "/o");
            try (RawClient listen = RawClient.get(other.port, "/o", "Accept: text/event-stream",
                    "Mcp-Session-Id: " + session)) {
                assertEquals(200, listen.status(), listen.head());
                listen.readUntil("\r\n\r\n", McpChecks.WAIT); // the priming event: the SDK has the stream by then
                own.notifyToolsListChanged();
                listen.readUntil("notifications/tools/list_changed", McpChecks.WAIT);
                McpChecks.delete(other.port, "/o", session);
                listen.readToEnd(McpChecks.WAIT);
                assertTrue(listen.endedCleanly(), listen.body());
            }
        } finally {
            own.close();
        }
    }

    @Test
    void badRequestsGetAReasonAsJson() {
        String init = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}";
        assertRefused(RawClient.request(server.port, "POST", "/mcp", "{\"jsonrpc\":\"2.0\",\"id\":1,"
                + "\"method\":\"tools/list\"}", 0, "Accept: application/json, text/event-stream",
                "Content-Type: application/json"), 400, "Mcp-Session-Id header is required");
        assertRefused(RawClient.request(server.port, "POST", "/mcp", "not json", 0,
                "Accept: application/json, text/event-stream", "Content-Type: application/json"), 400,
                "not a JSON-RPC message");
        assertRefused(RawClient.request(server.port, "POST", "/mcp", init, 0, "Accept: application/json",
                "Content-Type: application/json"), 406, "Accept must list application/json and text/event-stream");
        assertRefused(RawClient.request(server.port, "POST", "/mcp", init, 0,
                "Accept: application/json, text/event-stream", "Content-Type: text/plain"), 415,
                "Content-Type must be application/json");
        assertRefused(RawClient.get(server.port, "/mcp", "Accept: text/event-stream", "Mcp-Session-Id: nope"), 404,
                "no MCP session");
        assertRefused(RawClient.get(server.port, "/mcp", "Accept: text/event-stream",
                "Mcp-Session-Id: " + McpChecks.initialize(server.port, "/mcp"), "Last-Event-ID: 17-0"), 400,
                "Last-Event-ID is not an event id of an MCP stream");
        assertRefused(RawClient.get(server.port, "/mcp", "Accept: text/event-stream", "Mcp-Session-Id: a",
                "MCP-Protocol-Version: 1999-01-01"), 400, "MCP-Protocol-Version");
    }

    private static void assertRefused(RawClient client, int status, String reason) {
        try (client) {
            String body = client.readToEnd(McpChecks.WAIT);
            assertEquals(status, client.status(), client.head() + body);
            assertTrue(client.header("Content-Type").startsWith("application/json"), client.head());
            assertTrue(body.startsWith("{\"error\":\"") && body.contains(reason), body);
        }
    }

    @Test
    void anIdleSessionExpires() {
        McpStreamableTransport quick = McpStreamableTransport.builder(registry).addressPrefix("quick")
                .sessionIdleTimeout(Duration.ofSeconds(1)).build();
        McpServer.sync(quick).serverInfo("quick", "1").build();
        try (TestServer other = TestServer.start(new ResourceConfig().registerResources(quick.resource("/q")))) {
            String session = McpChecks.initialize(other.port, "/q");
            // each look uses the session (so it never looks before the timeout could have passed)
            Awaitility.await().atMost(McpChecks.WAIT).pollDelay(Duration.ofMillis(1500))
                    .pollInterval(Duration.ofMillis(1500)).until(() -> {
                try (RawClient get = RawClient.get(other.port, "/q", "Accept: text/event-stream",
                        "Mcp-Session-Id: " + session)) {
                    return get.status() == 404;
                }
            });
        } finally {
            quick.close();
        }
    }

    @Test
    void optionsAreChecked() {
        McpStreamableTransport.Builder builder = McpStreamableTransport.builder(registry);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> builder.addressPrefix("a/b")).getMessage()
                .contains("addressPrefix"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> builder.sessionIdleTimeout(Duration.ZERO))
                .getMessage().contains("sessionIdleTimeout"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> builder.retry(Duration.ofMillis(-1)))
                .getMessage().contains("retry"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> builder.maxMessageBytes(10)).getMessage()
                .contains("maxMessageBytes"));
    }
}
