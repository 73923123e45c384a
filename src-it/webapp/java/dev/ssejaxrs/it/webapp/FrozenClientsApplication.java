package dev.ssejaxrs.it.webapp;

import java.util.Map;
import java.util.Set;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

import dev.ssejaxrs.stream.SseRuntime;

/**
 * {@code /frozen}: the sample's streams written by only two threads ({@link SseRuntime#WRITER_THREADS}), so that
 * the container tests can show that clients that stop reading never hold them.
 */
@ApplicationPath("frozen")
public class FrozenClientsApplication extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(SampleResource.class);
    }

    @Override
    public Map<String, Object> getProperties() {
        return Map.of(SseRuntime.WRITER_THREADS, 2);
    }
}
