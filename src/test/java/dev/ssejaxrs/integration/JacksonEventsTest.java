package dev.ssejaxrs.integration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.BroadcastFeature;
import dev.ssejaxrs.broadcast.Delivery;
import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.broadcast.RegistryOptions;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.stream.EventStream;
import dev.ssejaxrs.test.RawClient;
import dev.ssejaxrs.test.TestServer;

/**
 * In a Jackson application, {@code SseEvent.json(value)} is written by Jackson wherever the event goes: as a stream
 * item, as a whole response, and published to the registry from a thread outside any request, once per event and in
 * the same bytes for every subscriber.
 */
class JacksonEventsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Address ORDERS = Address.topic("orders");

    /** Jackson and JSON-B disagree on it: a renamed property, a null (JSON-B omits it), and a counted property. */
    public static class Order {
        static final AtomicInteger WRITTEN = new AtomicInteger();

        @JsonProperty("order_id")
        public String id = "A-1";
        public int quantity = 3;
        public String note;

        /** Counts how often Jackson writes an order; JSON-B does not see it (not a getter). */
        @JsonProperty("currency")
        public String currency() {
            WRITTEN.incrementAndGet();
            return "EUR";
        }
    }

    @Path("/")
    public static class OrderResource {
        @Context
        EventRegistry registry;

        @GET
        @Path("order")
        @Produces(MediaType.APPLICATION_JSON)
        public Order order() {
            return new Order();
        }

        @GET
        @Path("orders/stream")
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public EventStream stream() {
            return EventStream.of(List.of(SseEvent.json(new Order()),
                    SseEvent.builder().event("order").id("9").jsonData(new Order()).build()));
        }

        @GET
        @Path("orders/one")
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public SseEvent one() {
            return SseEvent.json(new Order());
        }

        @GET
        @Path("orders/live")
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public EventStream live() {
            return registry.subscribe(ORDERS).open();
        }
    }

    private static EventRegistry registry;
    private static TestServer server;
    private static String jacksonJson;

    @BeforeAll
    static void start() {
        registry = new EventRegistry(RegistryOptions.defaults());
        // Jackson comes in through auto-discovery (jersey-media-json-jackson), as in a new user's application
        server = TestServer.start(new ResourceConfig(OrderResource.class).register(new BroadcastFeature(registry)));
        jacksonJson = server.get("/order").readToEnd(WAIT);
        assertTrue(jacksonJson.contains("\"order_id\":\"A-1\"") && jacksonJson.contains("\"note\":null")
                && jacksonJson.contains("\"currency\":\"EUR\""), "the application's own JSON: " + jacksonJson);
    }

    @AfterAll
    static void stop() {
        server.close();
        registry.close();
    }

    @Test
    void jsonEventsOnAStream_areWrittenByTheApplicationsJackson() {
        assertEquals("data: " + jacksonJson + "\r\n\r\n" + "id: 9\r\nevent: order\r\ndata: " + jacksonJson + "\r\n\r\n",
                server.get("/orders/stream").readToEnd(WAIT));
    }

    @Test
    void jsonEventAsAWholeResponse_isWrittenByTheApplicationsJackson() {
        assertEquals("data: " + jacksonJson + "\r\n\r\n", server.get("/orders/one").readToEnd(WAIT));
    }

    @Test
    void publishedFromATimerThread_everySubscriberGetsJacksonsJson_inTheSameBytes_encodedOnce() throws Exception {
        try (RawClient first = server.get("/orders/live"); RawClient second = server.get("/orders/live")) {
            await().atMost(WAIT).until(() -> registry.stats(ORDERS).subscribers() == 2);
            Order order = new Order();
            int writtenBefore = Order.WRITTEN.get();
            ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
            try { // outside any request, as an application's scheduled job publishes
                CompletableFuture<Delivery> published = timer.schedule(
                        () -> registry.publish(ORDERS, SseEvent.json(order)).toCompletableFuture(), 0,
                        TimeUnit.MILLISECONDS).get().toCompletableFuture();
                assertEquals(2, published.get(10, TimeUnit.SECONDS).delivered());
            } finally {
                timer.shutdownNow();
            }
            String body = first.readUntil(jacksonJson + "\r\n\r\n", WAIT);
            second.readUntil(jacksonJson + "\r\n\r\n", WAIT);
            assertTrue(body.contains("data: " + jacksonJson + "\r\n\r\n"), body);
            assertArrayEquals(first.bodyBytes(), second.bodyBytes(), "the same bytes for every subscriber");
            assertEquals(1, Order.WRITTEN.get() - writtenBefore, "Jackson wrote the published order once");
        }
    }
}
