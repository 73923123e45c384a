package dev.ssejaxrs.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import dev.ssejaxrs.test.ClassPathWithout;
import dev.ssejaxrs.test.EverydayApplication;

/**
 * Without the MCP Java SDK, an application streams and broadcasts without a warning: only {@code dev.ssejaxrs.mcp},
 * whose entry point hands out the SDK's transport type (so an application without the SDK cannot call it), refers
 * to it.
 */
class WithoutMcpSdkTest {
    @Test
    void withoutTheMcpSdk_anApplicationStreamsAndBroadcasts_withoutAWarning() throws Throwable {
        ClassPathWithout withoutSdk = ClassPathWithout.dependency("io.modelcontextprotocol.",
                "io.modelcontextprotocol.spec.McpStreamableServerTransportProvider");
        assertEquals(EverydayApplication.expected(), withoutSdk.run(EverydayApplication.class, "run"));
    }
}
