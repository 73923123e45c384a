package dev.ssejaxrs.it.webapp;

import java.util.Set;

import jakarta.ws.rs.core.Application;

/**
 * {@code /sync}: declared in {@code web.xml} on a Jersey servlet without {@code async-supported}, a common mistake.
 * Streams cannot outlive the request there; they must end without harming other requests.
 */
public class SyncServletApplication extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(SampleResource.class);
    }
}
