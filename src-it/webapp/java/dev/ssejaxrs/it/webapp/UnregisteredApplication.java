package dev.ssejaxrs.it.webapp;

import java.util.Map;
import java.util.Set;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * {@code /unregistered}: auto-discovery off and no {@code EventStreamFeature}, so an {@code EventStream} cannot be written.
 * It shows that {@link ExplicitApplication}'s property really turns auto-discovery off.
 */
@ApplicationPath("unregistered")
public class UnregisteredApplication extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(UnregisteredResource.class);
    }

    @Override
    public Map<String, Object> getProperties() {
        return Map.of("jersey.config.disableAutoDiscovery", true);
    }
}
