package dev.ssejaxrs.stream;

import java.lang.System.Logger.Level;

import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;

import org.glassfish.jersey.InjectionManagerProvider;
import org.glassfish.jersey.internal.inject.AbstractBinder;
import org.glassfish.jersey.internal.inject.InjectionManager;
import org.glassfish.jersey.server.spi.Container;
import org.glassfish.jersey.server.spi.ContainerLifecycleListener;

/**
 * Registers sse-jaxrs in a Jersey application: the writers for {@link EventStream}s and
 * {@link dev.ssejaxrs.event.SseEvent}s, the response filter that sets event-stream headers, a per-application
 * {@link SseRuntime} (injectable with {@code @Context SseRuntime}) and its shutdown when the application stops.
 *
 * <p>Adding the jar is enough: Jersey's auto-discovery registers this feature. With auto-discovery disabled
 * ({@code jersey.config.disableAutoDiscovery}), register it yourself:
 * <pre>{@code
 * ResourceConfig app = new ResourceConfig(MyResource.class).register(SseFeature.class);
 * }</pre>
 */
public final class SseFeature implements Feature {
    private static final System.Logger LOG = System.getLogger(SseFeature.class.getName());
    private static final String GRIZZLY_REQUEST = "org.glassfish.grizzly.http.server.Request";
    private static final String SERVLET_ASYNC_LISTENER = "jakarta.servlet.AsyncListener";

    @Override
    public boolean configure(FeatureContext context) {
        if (context.getConfiguration().isRegistered(StreamStartWriter.class)) {
            return false;
        }
        SseRuntime runtime = SseRuntime.of(context.getConfiguration());
        InjectionManager injectionManager = injectionManager(context);
        GrizzlySupport grizzly = present(GRIZZLY_REQUEST) ? new GrizzlySupport(runtime) : null;
        boolean servlet = present(SERVLET_ASYNC_LISTENER);
        context.register(new StreamStartWriter(runtime, injectionManager, grizzly, servlet));
        context.register(new SseEventWriter());
        context.register(new EventStreamResponseFilter(injectionManager, grizzly));
        context.register(new ShutdownListener(runtime));
        context.register(new ApplicationJson(runtime));
        context.register(new AbstractBinder() {
            @Override
            protected void configure() {
                bind(runtime).to(SseRuntime.class);
            }
        });
        return true;
    }

    private static InjectionManager injectionManager(FeatureContext context) {
        try {
            return InjectionManagerProvider.getInjectionManager(context);
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "no injection manager: container-specific connections are off", e);
            return null;
        }
    }

    /** Whether a container's class is visible: its support classes are loaded only then. */
    private static boolean present(String className) {
        try {
            Class.forName(className, false, SseFeature.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Shuts the application's streams down when its container stops. */
    private static final class ShutdownListener implements ContainerLifecycleListener {
        private final SseRuntime runtime;

        ShutdownListener(SseRuntime runtime) {
            this.runtime = runtime;
        }

        @Override
        public void onStartup(Container container) {
        }

        @Override
        public void onReload(Container container) {
        }

        @Override
        public void onShutdown(Container container) {
            runtime.shutdown();
        }
    }
}
