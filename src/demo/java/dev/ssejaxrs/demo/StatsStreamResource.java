package dev.ssejaxrs.demo;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import dev.ssejaxrs.broadcast.RegistryStats;
import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.stream.EventStream;
import dev.ssejaxrs.stream.SseRuntime;

/**
 * {@code GET /stats/stream}: a live dashboard feed of the server's own figures, one {@code event: stats} a second,
 * data {@code {"time", "activeStreams", "eventsPerSecond", "eventsWritten", "subscribers", "published",
 * "dropped"}}. The front page plots it; watch it during a benchmark or a load test.
 */
@Path("stats/stream")
public final class StatsStreamResource {
    private static final Duration PERIOD = Duration.ofSeconds(1);

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public EventStream stream(@Context SseRuntime runtime, @Context EventRegistry registry,
            @Context ScheduledExecutorService clock) {
        Sampler sampler = new Sampler(runtime, registry);
        return EventStream.of(new Ticker(clock, PERIOD, -1, i -> sampler.sample(), Duration.ZERO, () -> { }));
    }

    /** One stream's sampling: events per second are counted since its previous sample. Called on the clock thread. */
    private static final class Sampler {
        private final SseRuntime runtime;
        private final EventRegistry registry;
        private long lastWritten;
        private long lastNanos;

        Sampler(SseRuntime runtime, EventRegistry registry) {
            this.runtime = runtime;
            this.registry = registry;
            this.lastWritten = runtime.eventsWritten();
            this.lastNanos = System.nanoTime();
        }

        SseEvent sample() {
            long now = System.nanoTime();
            long written = runtime.eventsWritten();
            double seconds = Math.max(1e-3, (now - lastNanos) / 1e9);
            long perSecond = Math.round((written - lastWritten) / seconds);
            lastWritten = written;
            lastNanos = now;
            RegistryStats counts = registry.stats();
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("time", System.currentTimeMillis());
            figures.put("activeStreams", runtime.activeStreams());
            figures.put("eventsPerSecond", perSecond);
            figures.put("eventsWritten", written);
            figures.put("subscribers", counts.subscribers());
            figures.put("published", counts.published());
            figures.put("dropped", counts.dropped());
            return SseEvent.builder().event("stats").data(JsonErrors.json(figures)).build();
        }
    }
}
