package dev.ssejaxrs.readme;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;

import org.glassfish.jersey.server.ResourceConfig;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.BroadcastFeature;
import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.broadcast.RegistryOptions;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.metrics.MetricsFeature;
import dev.ssejaxrs.stream.EventStream;
import reactor.core.publisher.Flux;

/**
 * The README's "Fitting into your application" examples, compiled here (their behaviour is tested by
 * ApplicationJsonTest, JacksonEventsTest, ReactiveLibrariesTest, MetricsTest, LentExecutorsTest and PayaraIT).
 */
final class FittingExamples {
    private FittingExamples() {
    }

    // README: begin quotes
    public record Quote(@JsonProperty("sym") String symbol, long priceCents) { }

    @Path("/")
    public static class QuoteResource {
        @GET @Path("quotes") @Produces(MediaType.SERVER_SENT_EVENTS)
        public EventStream quotes() {
            Stream<Quote> quoteFeed = Stream.of(new Quote("ACME", 4200), new Quote("ACME", 4210));
            return EventStream.of(quoteFeed);      // data: {"sym":"ACME","priceCents":4200}, as Jackson writes it
        }
    }
    // README: end quotes

    // README: begin json-events
    public record Order(@JsonProperty("order_id") String id, int quantity) { }

    static void publishOrders(EventRegistry registry, ScheduledExecutorService timer) {   // outside any request
        timer.scheduleAtFixedRate(() -> registry.publish("orders",   // data: {"order_id":"A-1","quantity":3}
                SseEvent.builder().event("order").jsonData(new Order("A-1", 3)).build()), 1, 1, TimeUnit.SECONDS);
    }
    // README: end json-events

    // README: begin standard
    public record Price(String id, long cents) { }

    @Path("/")
    public static class StandardResource {
        @GET @Path("standard") @Produces(MediaType.SERVER_SENT_EVENTS)
        public EventStream standard(@Context Sse sse) {
            Stream<Price> prices = Stream.of(new Price("1", 4200), new Price("2", 4210));
            return EventStream.of(prices.map(p -> sse.newEventBuilder().name("price").id(p.id())
                    .mediaType(MediaType.APPLICATION_JSON_TYPE).data(Price.class, p).build()));
        }
    }
    // README: end standard

    // README: begin ticks
    @Path("/")
    public static class TickResource {
        @GET @Path("ticks") @Produces(MediaType.SERVER_SENT_EVENTS)
        public EventStream ticks() {
            return EventStream.ofReactive(Flux.interval(Duration.ofSeconds(1)).map(i -> "tick " + i));
        }
    }
    // README: end ticks

    // README: begin cdi
    @ApplicationScoped
    public static class TickService {
        @Inject EventRegistry registry;
        @Resource(lookup = "java:comp/DefaultManagedScheduledExecutorService") ScheduledExecutorService timer;

        void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
            timer.scheduleAtFixedRate(() -> registry.publish("ticks", SseEvent.of("tick")), 1, 1, TimeUnit.SECONDS);
        }
    }
    // README: end cdi

    /** Publishes order events from outside any request (a message listener, say). */
    interface OrderListener {
        void start(EventRegistry registry);
    }

    static ResourceConfig plainJava(OrderListener orders) {
        // README: begin plain-java
        EventRegistry registry = new EventRegistry(RegistryOptions.defaults());
        ResourceConfig app = new ResourceConfig(NewsResource.class).register(new BroadcastFeature(registry));
        orders.start(registry);                 // it calls registry.publish("orders", SseEvent.of(...))
        // README: end plain-java
        return app;
    }

    static ResourceConfig metrics(MeterRegistry meterRegistry) {
        // README: begin metrics
        // meterRegistry: any Micrometer registry, e.g. new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)
        // from micrometer-registry-prometheus, whose scrape() a GET /metrics returns:
        //   sse_streams_open{application="news"} 12.0
        //   sse_streams_ended_total{application="news",reason="SEND_TIMEOUT"} 3.0
        ResourceConfig app = new ResourceConfig(NewsResource.class)
                .register(new MetricsFeature(meterRegistry, m -> m.withTags("application", "news")
                        .withAddresses(Address.topic("breaking"))));
        // README: end metrics
        return app;
    }

    static List<Class<?>> resources() {
        return List.of(QuoteResource.class, StandardResource.class, TickResource.class);
    }
}
