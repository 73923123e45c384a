package dev.ssejaxrs.readme;

import java.time.Duration;
import java.util.Map;

import org.glassfish.jersey.server.ResourceConfig;

import dev.ssejaxrs.broadcast.BroadcastFeature;
import dev.ssejaxrs.broadcast.RegistryOptions;

/** The README's security example: an application that authenticates with {@link BearerTokenFilter}. */
final class SecureApplication {
    private SecureApplication() {
    }

    // README: begin secure-application
    static ResourceConfig application(Map<String, String> users, int history) {
        RegistryOptions options = RegistryOptions.builder()
                .history(history, Duration.ofHours(1))    // your own feature replaces the auto-discovered one
                .build();
        return new ResourceConfig(NewsResource.class)
                .register(new BearerTokenFilter(users))
                .register(new BroadcastFeature(options));
    }
    // README: end secure-application
}
