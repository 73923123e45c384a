package dev.ssejaxrs.demo;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.glassfish.jersey.server.model.Resource;

import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;

import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.mcp.McpStreamableTransport;

/**
 * The demo's MCP server at {@code /mcp} (Streamable HTTP, the official SDK on this library's transport): one tool,
 * {@code count} ({@code {"to": n, "delayMs": ms}}), that counts from 1 to {@code n}, {@code delayMs} apart, sends one
 * progress notification per step and returns {@code {"counted": n}}. Public so that the Tomcat test WAR serves the
 * same server.
 */
public final class McpCountServer implements AutoCloseable {
    /** The most {@code to} may be. */
    static final int MAX_TO = 1000;
    /** The longest {@code delayMs}. */
    static final int MAX_DELAY_MS = 10_000;
    /** When the call has no progress token of its own (the MCP rule is to send progress only for one). */
    static final String DEFAULT_PROGRESS_TOKEN = "count";

    private final McpStreamableTransport transport;
    private final McpSyncServer server;

    private McpCountServer(McpStreamableTransport transport, McpSyncServer server) {
        this.transport = transport;
        this.server = server;
    }

    /**
     * The server, its streams and sessions in {@code registry}.
     *
     * @param registry the application's registry (in memory, or on Redis for several nodes)
     * @return the running server; close it when the application stops
     */
    public static McpCountServer start(EventRegistry registry) {
        // README: begin mcp-server
        McpStreamableTransport transport = McpStreamableTransport.builder(registry).build();
        McpSchema.Tool count = McpSchema.Tool.builder("count")
                .description("Counts from 1 to `to`, `delayMs` apart, with one progress notification per step")
                .inputSchema(Map.of("type", "object", "required", List.of("to"), "properties", Map.of(
                        "to", Map.of("type", "integer", "minimum", 1, "maximum", MAX_TO),
                        "delayMs", Map.of("type", "integer", "minimum", 0, "maximum", MAX_DELAY_MS))))
                .build();
        McpSyncServer server = McpServer.sync(transport)
                .serverInfo("sse-jaxrs-demo", "1.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
                .requestTimeout(Duration.ofMinutes(5))
                .tools(McpServerFeatures.SyncToolSpecification.builder().tool(count)
                        .callHandler(McpCountServer::count).build())
                .build();
        // README: end mcp-server
        return new McpCountServer(transport, server);
    }

    /**
     * The Jersey resource of {@code POST}, {@code GET} and {@code DELETE /mcp}.
     *
     * @return the resource, for {@code registerResources}
     */
    public Resource resource() {
        // README: begin mcp-resource
        return transport.resource("mcp"); // resourceConfig.registerResources(...) serves POST, GET, DELETE /mcp
        // README: end mcp-resource
    }

    // README: begin mcp-tool
    static McpSchema.CallToolResult count(McpSyncServerExchange exchange, McpSchema.CallToolRequest call) {
        Map<String, Object> arguments = call.arguments() == null ? Map.of() : call.arguments();
        Integer to = integer(arguments.get("to"));
        if (to == null || to < 1 || to > MAX_TO) {
            return refused("to must be an integer from 1 to " + MAX_TO + ", not " + arguments.get("to"));
        }
        Integer delayMs = arguments.containsKey("delayMs") ? integer(arguments.get("delayMs")) : Integer.valueOf(100);
        if (delayMs == null || delayMs < 0 || delayMs > MAX_DELAY_MS) {
            return refused("delayMs must be an integer from 0 to " + MAX_DELAY_MS + ", not "
                    + arguments.get("delayMs"));
        }
        Object token = call.progressToken() != null ? call.progressToken() : DEFAULT_PROGRESS_TOKEN;
        for (int i = 1; i <= to; i++) {
            if (delayMs > 0) {
                try {
                    Thread.sleep(delayMs); // the work this demo tool does
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return refused("interrupted at " + (i - 1));
                }
            }
            exchange.progressNotification(new McpSchema.ProgressNotification(token, i, (double) to,
                    "counted " + i));
        }
        return McpSchema.CallToolResult.builder().structuredContent(Map.of("counted", to))
                .addTextContent("{\"counted\":" + to + "}").build();
    }
    // README: end mcp-tool

    private static Integer integer(Object value) {
        if (value instanceof Integer i) {
            return i;
        }
        if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                && Math.abs(n.doubleValue()) <= Integer.MAX_VALUE) {
            return n.intValue();
        }
        return null;
    }

    private static McpSchema.CallToolResult refused(String reason) {
        return McpSchema.CallToolResult.builder().isError(true).addTextContent(reason).build();
    }

    @Override
    public void close() {
        server.close();
        transport.close();
    }
}
