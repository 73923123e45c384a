package dev.ssejaxrs.metrics;

import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;

import org.glassfish.jersey.server.spi.Container;
import org.glassfish.jersey.server.spi.ContainerLifecycleListener;

import dev.ssejaxrs.broadcast.BroadcastFeature;
import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.stream.SseRuntime;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Binds {@link SseMetrics} for a Jersey application when it starts (its {@link SseRuntime} and, when
 * {@link BroadcastFeature} is registered, its {@link EventRegistry}) and removes the meters when it stops.
 *
 * <pre>{@code
 * new ResourceConfig(NewsResource.class)
 *         .register(new MetricsFeature(meterRegistry, metrics -> metrics.withTags("application", "news")));
 * }</pre>
 */
public final class MetricsFeature implements Feature {
    private final MeterRegistry meterRegistry;
    private final UnaryOperator<SseMetrics> customizer;

    /**
     * Binds the default meters into {@code meterRegistry}.
     *
     * @param meterRegistry where the meters go (not null)
     */
    public MetricsFeature(MeterRegistry meterRegistry) {
        this(meterRegistry, UnaryOperator.identity());
    }

    /**
     * Binds the meters that {@code customizer} makes of the defaults (tags, per-address meters).
     *
     * @param meterRegistry where the meters go (not null)
     * @param customizer takes the default meters, returns the ones to bind (not null)
     */
    public MetricsFeature(MeterRegistry meterRegistry, UnaryOperator<SseMetrics> customizer) {
        this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
        this.customizer = Objects.requireNonNull(customizer, "customizer");
    }

    @Override
    public boolean configure(FeatureContext context) {
        boolean broadcast = context.getConfiguration().isRegistered(BroadcastFeature.class);
        context.register(broadcast ? new WithRegistry(this) : new StreamsOnly(this));
        return true;
    }

    /** Binds at startup and unbinds at shutdown; Jersey injects the runtime (and registry) first. */
    private abstract static class Binding implements ContainerLifecycleListener {
        private final MetricsFeature feature;
        private List<Meter> bound = List.of();

        Binding(MetricsFeature feature) {
            this.feature = feature;
        }

        abstract SseMetrics metrics();

        @Override
        public synchronized void onStartup(Container container) {
            bound = feature.customizer.apply(metrics()).register(feature.meterRegistry);
        }

        @Override
        public void onReload(Container container) {
        }

        @Override
        public synchronized void onShutdown(Container container) {
            bound.forEach(feature.meterRegistry::remove);
            bound = List.of();
        }
    }

    private static final class StreamsOnly extends Binding {
        @Context
        private SseRuntime runtime;

        StreamsOnly(MetricsFeature feature) {
            super(feature);
        }

        @Override
        SseMetrics metrics() {
            return SseMetrics.of(runtime);
        }
    }

    private static final class WithRegistry extends Binding {
        @Context
        private SseRuntime runtime;
        @Context
        private EventRegistry registry;

        WithRegistry(MetricsFeature feature) {
            super(feature);
        }

        @Override
        SseMetrics metrics() {
            return SseMetrics.of(runtime).withRegistry(registry);
        }
    }
}
