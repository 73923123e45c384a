package dev.ssejaxrs.stream;

import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;

import org.glassfish.hk2.utilities.binding.AbstractBinder;
import org.glassfish.jersey.server.spi.Container;
import org.glassfish.jersey.server.spi.ContainerLifecycleListener;

import dev.ssejaxrs.internal.core.ClassPresence;
import dev.ssejaxrs.internal.core.StreamEngine;
import dev.ssejaxrs.internal.grizzly.GrizzlySupport;
import dev.ssejaxrs.internal.jersey.ApplicationJson;
import dev.ssejaxrs.internal.jersey.EventStreamResponseFilter;
import dev.ssejaxrs.internal.jersey.JerseyInternals;
import dev.ssejaxrs.internal.jersey.SseEventWriter;
import dev.ssejaxrs.internal.jersey.StreamStartWriter;

/**
 * Registers sse-jaxrs in a Jersey application: the writers for {@link EventStream}s and
 * {@link dev.ssejaxrs.event.SseEvent}s, the response filter that sets event-stream headers, a per-application
 * {@link SseRuntime} (injectable with {@code @Context SseRuntime}) and its shutdown when the application stops or the
 * JVM is asked to stop.
 *
 * <p>Adding the jar is enough: Jersey's auto-discovery registers this feature. With auto-discovery disabled
 * ({@code jersey.config.disableAutoDiscovery}), register it yourself:
 * <pre>{@code
 * ResourceConfig app = new ResourceConfig(MyResource.class).register(EventStreamFeature.class);
 * }</pre>
 */
public final class EventStreamFeature implements Feature {
    private static final String GRIZZLY_REQUEST = "org.glassfish.grizzly.http.server.Request";
    private static final String SERVLET_ASYNC_LISTENER = "jakarta.servlet.AsyncListener";

    @Override
    public boolean configure(FeatureContext context) {
        if (context.getConfiguration().isRegistered(StreamStartWriter.class)) {
            return false;
        }
        SseRuntime runtime = SseRuntime.of(context.getConfiguration());
        JerseyInternals jersey = JerseyInternals.of(context);
        GrizzlySupport grizzly = ClassPresence.present(GRIZZLY_REQUEST) ? new GrizzlySupport(runtime.engine()) : null;
        boolean servlet = ClassPresence.present(SERVLET_ASYNC_LISTENER);
        context.register(new StreamStartWriter(runtime.engine(), jersey, grizzly, servlet));
        context.register(new SseEventWriter(runtime.engine()));
        context.register(new EventStreamResponseFilter(jersey, grizzly));
        context.register(new ShutdownListener(runtime.engine()));
        context.register(new ApplicationJson(runtime.engine()));
        // HK2's public binder: Jersey 3.1 and 4.0 both take it from a feature (Jersey 4 has no binder of its own
        // outside jersey-hk2; see JerseyInternals)
        context.register(new AbstractBinder() {
            @Override
            protected void configure() {
                bind(runtime).to(SseRuntime.class);
            }
        });
        return true;
    }

    /**
     * Shuts the application's streams down when its container stops, or when the JVM is asked to stop (SIGTERM),
     * whichever comes first: a container's graceful shutdown (Spring Boot's, say) waits for open requests, and an
     * event stream ends only when told to. The JVM shutdown hook exists from the container's start to its stop, so
     * an undeployed application leaves nothing behind. Whoever comes second waits for the first to finish
     * ({@link SseRuntime#shutdown()}), so a container never closes connections before the farewells are written.
     */
    private static final class ShutdownListener implements ContainerLifecycleListener {
        private static final System.Logger LOG = System.getLogger(EventStreamFeature.class.getName());

        private final StreamEngine runtime;
        private final Thread hook;

        ShutdownListener(StreamEngine runtime) {
            this.runtime = runtime;
            this.hook = new Thread(runtime::shutdown, "sse-jaxrs-shutdown-hook");
        }

        @Override
        public void onStartup(Container container) {
            try {
                Runtime.getRuntime().addShutdownHook(hook);
            } catch (IllegalStateException | IllegalArgumentException | SecurityException e) {
                LOG.log(System.Logger.Level.DEBUG, "no JVM shutdown hook for the event streams", e);
            }
        }

        @Override
        public void onReload(Container container) {
        }

        @Override
        public void onShutdown(Container container) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException | SecurityException jvmStopping) {
                // the hook runs or has run: shutdown() waits for it
            }
            runtime.shutdown();
        }
    }
}
