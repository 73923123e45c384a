package dev.ssejaxrs.demo;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.glassfish.jersey.server.ResourceConfig;

import dev.ssejaxrs.broadcast.AccessPolicy;
import dev.ssejaxrs.broadcast.BroadcastFeature;
import dev.ssejaxrs.broadcast.RegistryOptions;

/** The demo's JAX-RS application: its resources, its JSON error mapping, and a clock for timed events. */
final class DemoApplication extends ResourceConfig implements AutoCloseable {
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread t = new Thread(task, "demo-clock");
        t.setDaemon(true);
        return t;
    });

    DemoApplication() {
        register(new StreamingResource(clock));
        register(BroadcastResource.class);
        register(EventsResource.class);
        register(BodyLimit.class);
        register(new IndexPage());
        register(StatsResource.class);
        register(JsonErrors.class);
        // A demo: ANYONE MAY SUBSCRIBE to any topic or recipient. The library's default lets only the
        // authenticated principal subscribe to its own recipient stream.
        register(new BroadcastFeature(RegistryOptions.builder().accessPolicy(AccessPolicy.anyone()).build()));
    }

    @Override
    public void close() {
        clock.shutdownNow();
    }
}
