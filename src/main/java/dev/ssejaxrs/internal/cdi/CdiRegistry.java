package dev.ssejaxrs.internal.cdi;

import java.lang.System.Logger.Level;

import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.CDI;

import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.internal.core.ClassPresence;

/**
 * The deployment's {@link EventRegistry} CDI bean, if there is one (see {@link SseCdiExtension}),
 * so that JAX-RS resources and CDI beans share one registry. Refers to the CDI API: {@link #lookup()} loads it only
 * when that API is on the class path.
 */
public final class CdiRegistry {
    private static final System.Logger LOG = System.getLogger(CdiRegistry.class.getName());
    private static final String CDI_CLASS = "jakarta.enterprise.inject.spi.CDI";

    private CdiRegistry() {
    }

    /** The CDI bean, or {@code null}: no CDI API, no CDI container running, or no such bean. */
    public static EventRegistry lookup() {
        if (!ClassPresence.present(CDI_CLASS)) {
            return null;
        }
        try {
            return fromContainer();
        } catch (IllegalStateException | LinkageError e) { // the API without a container (a plain Grizzly app)
            LOG.log(Level.DEBUG, "no CDI container: the registry is the feature's own", e);
            return null;
        }
    }

    private static EventRegistry fromContainer() {
        Instance<EventRegistry> registries = CDI.current().select(EventRegistry.class);
        return registries.isResolvable() ? registries.get() : null;
    }
}
