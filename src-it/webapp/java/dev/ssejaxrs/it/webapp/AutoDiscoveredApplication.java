package dev.ssejaxrs.it.webapp;

import java.util.Set;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * {@code /auto}: registers only its resource. sse-jaxrs comes in through Jersey's auto-discovery, because its jar is
 * in {@code WEB-INF/lib}.
 */
@ApplicationPath("auto")
public class AutoDiscoveredApplication extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(SampleResource.class);
    }
}
