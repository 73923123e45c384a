package dev.ssejaxrs.it.webapp.cdi;

import java.util.Map;
import java.util.Set;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

import dev.ssejaxrs.stream.SseRuntime;

/** {@code /cdi-unmanaged}: as {@code /cdi}, with the server's managed executors turned off (the library's threads). */
@ApplicationPath("cdi-unmanaged")
public class UnmanagedApplication extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(CdiResource.class);
    }

    @Override
    public Map<String, Object> getProperties() {
        return Map.of(SseRuntime.MANAGED_EXECUTORS, "false");
    }
}
