package dev.ssejaxrs.demo;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.glassfish.jersey.server.ResourceConfig;

/** The demo's JAX-RS application: its resources, its JSON error mapping, and a clock for timed events. */
final class DemoApplication extends ResourceConfig implements AutoCloseable {
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread t = new Thread(task, "demo-clock");
        t.setDaemon(true);
        return t;
    });

    DemoApplication() {
        register(new StreamingResource(clock));
        register(StatsResource.class);
        register(JsonErrors.class);
    }

    @Override
    public void close() {
        clock.shutdownNow();
    }
}
