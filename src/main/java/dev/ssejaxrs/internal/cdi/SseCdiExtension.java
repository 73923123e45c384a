package dev.ssejaxrs.internal.cdi;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterBeanDiscovery;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.ProcessBean;
import jakarta.inject.Singleton;

import dev.ssejaxrs.broadcast.BroadcastFeature;
import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.broadcast.RegistryOptions;

/**
 * Makes the application's {@link EventRegistry} a CDI bean, so that services, scheduled jobs and message listeners
 * publish with {@code @Inject EventRegistry registry}; the auto-discovered {@link BroadcastFeature} serves the same
 * registry to the JAX-RS resources of the deployment. CDI loads this extension by itself (it is listed in
 * {@code META-INF/services}); nothing loads it where CDI is absent.
 *
 * <pre>{@code
 * @ApplicationScoped
 * public class PriceService {
 *     @Inject EventRegistry registry;
 *
 *     void priceChanged(Price price) {
 *         registry.publish("prices", SseEvent.json(price));
 *     }
 * }
 * }</pre>
 *
 * <p>The bean is a {@code @Singleton} with the default {@link RegistryOptions}, closed when the deployment stops. An
 * application that produces its own {@code EventRegistry} bean (for other options) keeps it: this extension then adds
 * none, and {@code BroadcastFeature} serves the application's.
 */
public class SseCdiExtension implements Extension {
    private volatile boolean applicationHasOne;

    /** Notes a bean of the application that is already an {@code EventRegistry}. */
    void beanFound(@Observes ProcessBean<?> bean) {
        if (bean.getBean().getTypes().contains(EventRegistry.class)) {
            applicationHasOne = true;
        }
    }

    /** Adds the registry bean unless the application has one. */
    void addRegistry(@Observes AfterBeanDiscovery discovery) {
        if (applicationHasOne) {
            return;
        }
        discovery.<EventRegistry>addBean().beanClass(EventRegistry.class).types(EventRegistry.class, Object.class)
                .scope(Singleton.class)
                .createWith(context -> new EventRegistry(RegistryOptions.defaults()))
                .destroyWith((registry, context) -> registry.close());
    }
}
