package dev.ssejaxrs.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.awaitility.Awaitility;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.ssejaxrs.broadcast.BroadcastFeature;
import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.broadcast.RegistryOptions;
import dev.ssejaxrs.demo.McpCountServer;
import dev.ssejaxrs.redis.RedisOptions;
import dev.ssejaxrs.redis.RedisProcess;
import dev.ssejaxrs.test.RawClient;
import dev.ssejaxrs.test.TestServer;

/**
 * Two nodes of the demo's {@code /mcp} on one real redis-server: a client moves between them. The stream of a call
 * running on the first node resumes on the second; the second takes the session over (its requests work there); a
 * {@code DELETE} on one node ends the session on both.
 */
class McpOnRedisTest {
    @RegisterExtension
    static final RedisProcess redis = RedisProcess.perTestClass();
    private static Node a;
    private static Node b;

    /** One node: its registry on the shared Redis, the demo's MCP server, a Grizzly server. */
    private record Node(EventRegistry registry, McpCountServer mcp, TestServer server) {
        static Node start(String redisUri) {
            EventRegistry registry = new EventRegistry(RegistryOptions.builder()
                    .redis(RedisOptions.builder(redisUri).keyPrefix("mcp-nodes").build()).build());
            McpCountServer mcp = McpCountServer.start(registry);
            TestServer server = TestServer.start(new ResourceConfig().register(new BroadcastFeature(registry))
                    .registerResources(mcp.resource()));
            return new Node(registry, mcp, server);
        }

        void close() {
            server.close();
            mcp.close();
            registry.close();
        }
    }

    @BeforeAll
    static void start() {
        a = Node.start(redis.uri());
        b = Node.start(redis.uri());
    }

    @AfterAll
    static void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    @Test
    void aCallCutOnOneNodeResumesOnTheOtherWithTheRestExactlyOnce() {
        McpChecks.aCutStreamResumesWithTheRestExactlyOnce(a.server.port, b.server.port, "/mcp");
    }

    @Test
    void theOtherNodeTakesTheSessionOverAndADeleteEndsItOnBoth() {
        String session = McpChecks.initialize(a.server.port, "/mcp");
        try (RawClient list = McpChecks.post(b.server.port, "/mcp", session,
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}")) {
            assertEquals(200, list.status(), list.head());
            assertTrue(list.readToEnd(McpChecks.WAIT).contains("\"name\":\"count\""), list.body());
        }
        McpChecks.delete(b.server.port, "/mcp", session);
        Awaitility.await().atMost(McpChecks.WAIT).until(() -> {
            try (RawClient get = RawClient.get(a.server.port, "/mcp", "Accept: text/event-stream",
                    "Mcp-Session-Id: " + session)) {
                return get.status() == 404;
            }
        });
    }

    @Test
    void anUnknownSessionIsNotFoundOnEveryNode() {
        try (RawClient get = RawClient.get(b.server.port, "/mcp", "Accept: text/event-stream",
                "Mcp-Session-Id: 0b5e4a3c-0000-4000-8000-000000000000")) {
            assertEquals(404, get.status(), get.head());
        }
    }
}
