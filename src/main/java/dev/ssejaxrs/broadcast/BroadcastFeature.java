package dev.ssejaxrs.broadcast;

import java.util.Objects;

import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.ext.Providers;

import org.glassfish.hk2.utilities.binding.AbstractBinder;
import org.glassfish.jersey.server.spi.Container;
import org.glassfish.jersey.server.spi.ContainerLifecycleListener;

import java.util.function.Supplier;

import dev.ssejaxrs.internal.cdi.CdiRegistry;
import dev.ssejaxrs.internal.core.ClassPresence;
import dev.ssejaxrs.internal.grizzly.GrizzlySupport;
import dev.ssejaxrs.internal.jersey.JerseyInternals;
import dev.ssejaxrs.internal.servlet.ServletSupport;
import dev.ssejaxrs.internal.jersey.EventTooLargeMapper;
import dev.ssejaxrs.internal.jersey.InvalidAddressMapper;
import dev.ssejaxrs.internal.core.ItemEncoder;

/**
 * Gives a Jersey application its {@link EventRegistry} (inject it with {@code @Context EventRegistry}). Adding the
 * jar registers it with default options through auto-discovery; register an instance to choose the options:
 *
 * <pre>{@code
 * new ResourceConfig(NewsResource.class)
 *         .register(new BroadcastFeature(RegistryOptions.builder().history(5000, Duration.ofHours(2)).build()));
 * }</pre>
 *
 * <p>When the application starts, the registry it serves writes the JSON data of published
 * {@code SseEvent.json(value)} events with the application's JSON provider (see {@link EventRegistry}).
 */
public final class BroadcastFeature implements Feature {
    private final EventRegistry registry;
    private final boolean ownRegistry;
    /** Made by auto-discovery or by class: under CDI, it serves the deployment's registry bean. */
    private boolean defaultOptions;

    /** The feature with default options. */
    public BroadcastFeature() {
        this(RegistryOptions.defaults());
        defaultOptions = true;
    }

    /**
     * The feature with {@code options}.
     *
     * @param options the options of the registry it makes (not null)
     */
    public BroadcastFeature(RegistryOptions options) {
        this.registry = new EventRegistry(options);
        this.ownRegistry = true;
    }

    /**
     * The feature serving a registry you made, for code outside JAX-RS (a message listener, say) that publishes to
     * it. Use one registry per application; closing it is yours.
     *
     * @param registry the registry to serve (not null)
     */
    public BroadcastFeature(EventRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.ownRegistry = false;
    }

    @Override
    public boolean configure(FeatureContext context) {
        EventRegistry cdiBean = ownRegistry && defaultOptions ? CdiRegistry.lookup() : null; // shared with CDI beans
        EventRegistry served = cdiBean != null ? cdiBean : registry;
        // HK2's public binder, which Jersey 3.1 and 4.0 both take from a feature
        context.register(new AbstractBinder() {
            @Override
            protected void configure() {
                bind(served).to(EventRegistry.class);
            }
        });
        context.register(InvalidAddressMapper.class); // a bad name from publish(...): 400 JSON, not a 500
        context.register(EventTooLargeMapper.class); // an event over maxEventSize: 413 JSON
        served.remoteAddresses(remoteAddresses(JerseyInternals.of(context))); // for maxStreamsPerAddress
        context.register(new RegistryLifecycle(served, ownRegistry && cdiBean == null));
        return true;
    }

    /** The client address of the request being served, from Grizzly or the servlet container; else {@code null}. */
    private static Supplier<String> remoteAddresses(JerseyInternals jersey) {
        boolean grizzly = ClassPresence.present("org.glassfish.grizzly.http.server.Request");
        boolean servlet = ClassPresence.present("jakarta.servlet.http.HttpServletRequest");
        return () -> {
            String address = grizzly ? GrizzlySupport.remoteAddress(jersey) : null;
            return address == null && servlet ? ServletSupport.remoteAddress(jersey) : address;
        };
    }

    /**
     * When the application starts, hands the registry the application's JSON provider; when it stops, closes a
     * registry this feature made (its expiry thread, its state).
     */
    private static final class RegistryLifecycle implements ContainerLifecycleListener {
        private final EventRegistry registry;
        private final boolean closeOnShutdown;
        @Context
        private Providers providers;

        RegistryLifecycle(EventRegistry registry, boolean closeOnShutdown) {
            this.registry = registry;
            this.closeOnShutdown = closeOnShutdown;
        }

        @Override
        public void onStartup(Container container) {
            if (providers != null) {
                registry.writeJsonWith(new ItemEncoder(providers));
            }
        }

        @Override
        public void onReload(Container container) {
        }

        @Override
        public void onShutdown(Container container) {
            if (closeOnShutdown) {
                registry.close();
            }
        }
    }
}
