package dev.ssejaxrs.integration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.metrics.MetricsFeature;
import dev.ssejaxrs.metrics.SseMetrics;
import dev.ssejaxrs.stream.EventStream;
import dev.ssejaxrs.stream.EventStreamFeature;
import dev.ssejaxrs.test.RawClient;
import dev.ssejaxrs.test.TestServer;

/** The Micrometer binder, read from a {@code SimpleMeterRegistry} while real streams run. */
class MetricsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Path("/")
    public static class Streams {
        @Context
        EventRegistry registry;

        @GET
        @Path("numbers")
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public EventStream numbers() {
            return EventStream.of(IntStream.rangeClosed(1, 3).mapToObj(Integer::toString));
        }

        @GET
        @Path("topics/{name}")
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public EventStream topic(@PathParam("name") String name) {
            return registry.subscribe(Address.topic(name)).open();
        }
    }

    private static double value(MeterRegistry meters, String name, String... tags) {
        Meter meter = meters.get(name).tags(tags).meter();
        return meter.measure().iterator().next().getValue();
    }

    @Test
    void streamsAndRegistry_areMeasured_withATagPerAddressOnlyWhereAsked() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ResourceConfig app = new ResourceConfig(Streams.class).register(new MetricsFeature(meters,
                metrics -> metrics.withTags("application", "test").withAddresses(Address.topic("news"))));
        try (TestServer server = TestServer.start(app)) {
            String body = server.get("/numbers").readToEnd(WAIT);
            await().atMost(WAIT).until(() -> value(meters, "sse.streams.ended", "reason", "COMPLETED") == 1);
            assertEquals(3, value(meters, "sse.events.written", "application", "test"));
            assertEquals(body.getBytes(StandardCharsets.UTF_8).length, value(meters, "sse.bytes.written"));
            assertEquals(0, value(meters, "sse.send.timeouts"));
            int metersBefore = meters.getMeters().size();

            EventRegistry registry = server.injected(EventRegistry.class);
            try (RawClient news = server.get("/topics/news")) {
                await().atMost(WAIT).until(() -> value(meters, "sse.registry.subscribers") == 1);
                assertEquals(1, value(meters, "sse.streams.open"));
                registry.publish("news", SseEvent.of("hello"));
                for (int i = 0; i < 1000; i++) {
                    registry.publish("topic-" + i, SseEvent.of("x"));
                }
                news.readUntil("data: hello", WAIT);
                await().atMost(WAIT).until(() -> value(meters, "sse.registry.published") == 1001);
                assertEquals(1, value(meters, "sse.registry.address.published", "address", "news", "kind", "topic"));
                assertEquals(1, value(meters, "sse.registry.address.subscribers", "address", "news"));
                assertEquals(metersBefore, meters.getMeters().size(), "a thousand topics made no new meter");
                Set<String> tagged = meters.getMeters().stream().map(m -> m.getId().getTag("address"))
                        .filter(a -> a != null).collect(Collectors.toSet());
                assertEquals(Set.of("news"), tagged);
            }
            await().atMost(WAIT).until(() -> value(meters, "sse.registry.disconnects", "reason", "CLIENT_GONE") == 1);
            assertEquals(0, value(meters, "sse.streams.open"));
            assertEquals(0, value(meters, "sse.registry.refused", "limit", "maxStreams"), "no limit reached");
        }
        assertEquals(List.of(), meters.getMeters(), "the application's meters leave with it");
    }

    @Test
    void applicationWithoutARegistry_hasStreamMetersOnly() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ResourceConfig app = new ResourceConfig(Streams.class, EventStreamFeature.class)
                .property(ServerProperties.FEATURE_AUTO_DISCOVERY_DISABLE, true)
                .register(new MetricsFeature(meters));
        try (TestServer server = TestServer.start(app)) {
            server.get("/numbers").readToEnd(WAIT);
            await().atMost(WAIT).until(() -> value(meters, "sse.events.written") == 3);
            assertTrue(meters.find("sse.registry.subscribers").meters().isEmpty());
        }
    }

    @Test
    void perAddressMeters_needARegistry_andValidNames() {
        SseMetrics metrics = SseMetrics.of(new EventRegistry(dev.ssejaxrs.broadcast.RegistryOptions.defaults()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> metrics.withAddresses(Address.topic("bad\nname")));
        assertTrue(e.getMessage().startsWith("topic name must match"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> metrics.withTags("lonely"));
    }

}
