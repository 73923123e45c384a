package dev.ssejaxrs.stream;

import jakarta.annotation.Priority;
import jakarta.ws.rs.core.FeatureContext;

import org.glassfish.jersey.internal.spi.AutoDiscoverable;

/**
 * Registers {@link SseFeature} in every Jersey application that has this jar on its class path; found by Jersey
 * through {@code META-INF/services}. Not for direct use.
 */
@Priority(AutoDiscoverable.DEFAULT_PRIORITY)
public final class SseAutoDiscoverable implements AutoDiscoverable {

    @Override
    public void configure(FeatureContext context) {
        if (!context.getConfiguration().isRegistered(SseFeature.class)) {
            context.register(SseFeature.class);
        }
    }
}
