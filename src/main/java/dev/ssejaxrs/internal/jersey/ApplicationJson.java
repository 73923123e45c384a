package dev.ssejaxrs.internal.jersey;

import java.lang.System.Logger.Level;
import java.util.ServiceLoader;
import java.util.function.BooleanSupplier;

import jakarta.json.bind.spi.JsonbProvider;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Providers;

import org.glassfish.jersey.server.spi.Container;
import org.glassfish.jersey.server.spi.ContainerLifecycleListener;

import dev.ssejaxrs.internal.core.ItemEncoder;
import dev.ssejaxrs.internal.core.StreamEngine;

/**
 * When the application starts, gives its {@link StreamEngine} the application's {@link Providers}, so that objects
 * sent as event data are written with the application's own JSON (see {@link ItemEncoder}); and, once per
 * application, warns when nothing could write them: no JSON writer or {@code Jsonb} resolver in the application
 * and no JSON-B implementation for the library's fallback.
 */
public final class ApplicationJson implements ContainerLifecycleListener {
    private static final System.Logger LOG = System.getLogger(ApplicationJson.class.getName());
    private static final String YASSON = "org.eclipse.yasson.JsonBindingProvider";

    private final StreamEngine runtime;
    private final BooleanSupplier jsonbPresent;
    @Context
    private Providers providers;

    public ApplicationJson(StreamEngine runtime) {
        this(runtime, ApplicationJson::jsonbImplementationPresent);
    }

    /** With another test of whether a JSON-B implementation is present (tests have Yasson). */
    public ApplicationJson(StreamEngine runtime, BooleanSupplier jsonbPresent) {
        this.runtime = runtime;
        this.jsonbPresent = jsonbPresent;
    }

    @Override
    public void onStartup(Container container) {
        if (providers == null) {
            LOG.log(Level.DEBUG, "no JAX-RS Providers injected: objects sent as data use the library's JSON-B");
            return;
        }
        started(providers);
    }

    /** Uses the application's {@code providers} from now on, and warns if nothing can write JSON data. */
    public void started(Providers applicationProviders) {
        ItemEncoder encoder = new ItemEncoder(applicationProviders);
        runtime.encoder(encoder);
        if (!encoder.applicationWritesJson() && !jsonbPresent.getAsBoolean()) {
            LOG.log(Level.WARNING, "sse-jaxrs: no JSON provider for objects sent as event data and for "
                    + "SseEvent.json(value): the application has no MessageBodyWriter for application/json and there "
                    + "is no JSON-B implementation; add org.eclipse:yasson or register a JSON provider such as Jackson "
                    + "(org.glassfish.jersey.media:jersey-media-json-jackson, or jersey-media-json-binding) (events "
                    + "of strings, bytes and SseEvents with text data need none)");
        }
    }

    @Override
    public void onReload(Container container) {
    }

    @Override
    public void onShutdown(Container container) {
    }

    /** What {@code JsonbBuilder.create()} would find, without creating anything. */
    public static boolean jsonbImplementationPresent() {
        for (ClassLoader loader : new ClassLoader[] {Thread.currentThread().getContextClassLoader(),
                ApplicationJson.class.getClassLoader()}) {
            if (loader == null) {
                continue;
            }
            try {
                if (ServiceLoader.load(JsonbProvider.class, loader).findFirst().isPresent()) {
                    return true;
                }
                Class.forName(YASSON, false, loader);
                return true;
            } catch (ClassNotFoundException | java.util.ServiceConfigurationError | LinkageError e) {
                // not with this loader
            }
        }
        return false;
    }
}
