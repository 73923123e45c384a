package dev.ssejaxrs.it.webapp.mcp;

import jakarta.ws.rs.ApplicationPath;

import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.spi.AbstractContainerLifecycleListener;
import org.glassfish.jersey.server.spi.Container;

import dev.ssejaxrs.broadcast.BroadcastFeature;
import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.broadcast.RegistryOptions;
import dev.ssejaxrs.demo.McpCountServer;

/**
 * {@code /mcp-app/mcp}: the demo's MCP server (the official SDK on {@code McpStreamableTransport}) in the Tomcat WAR,
 * with the SDK's jars in {@code WEB-INF/lib}; closed when the application stops. Not in the Payara WAR, which has no
 * SDK.
 */
@ApplicationPath("mcp-app")
public class McpApplication extends ResourceConfig {
    public McpApplication() {
        EventRegistry registry = new EventRegistry(RegistryOptions.defaults());
        McpCountServer mcp = McpCountServer.start(registry);
        register(new BroadcastFeature(registry));
        registerResources(mcp.resource());
        register(new AbstractContainerLifecycleListener() {
            @Override
            public void onShutdown(Container container) {
                mcp.close();
                registry.close();
            }
        });
    }
}
