package dev.ssejaxrs.internal.jersey;

import jakarta.annotation.Priority;
import jakarta.ws.rs.core.FeatureContext;

import org.glassfish.jersey.internal.spi.AutoDiscoverable;

import dev.ssejaxrs.broadcast.BroadcastFeature;

/**
 * Registers {@link BroadcastFeature} with default options in every Jersey application that did not register one;
 * found by Jersey through {@code META-INF/services}. Not for direct use.
 */
@Priority(AutoDiscoverable.DEFAULT_PRIORITY + 10)
public final class BroadcastAutoDiscoverable implements AutoDiscoverable {

    @Override
    public void configure(FeatureContext context) {
        if (!context.getConfiguration().isRegistered(BroadcastFeature.class)) {
            context.register(BroadcastFeature.class);
        }
    }
}
