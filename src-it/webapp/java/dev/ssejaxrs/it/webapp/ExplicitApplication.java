package dev.ssejaxrs.it.webapp;

import java.util.Map;
import java.util.Set;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

import dev.ssejaxrs.stream.EventStreamFeature;

/** {@code /explicit}: auto-discovery off, {@link EventStreamFeature} registered by hand. */
@ApplicationPath("explicit")
public class ExplicitApplication extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(SampleResource.class, EventStreamFeature.class);
    }

    @Override
    public Map<String, Object> getProperties() {
        return Map.of("jersey.config.disableAutoDiscovery", true);
    }
}
