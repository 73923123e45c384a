package dev.ssejaxrs.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.BroadcastFeature;
import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.broadcast.RegistryOptions;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.stream.EventStream;
import dev.ssejaxrs.stream.EventStreamFeature;
import dev.ssejaxrs.test.ClassPathWithout;
import dev.ssejaxrs.test.RawClient;
import dev.ssejaxrs.test.TestServer;

/**
 * Without a JSON-B implementation (no Yasson): a Jackson application writes {@code SseEvent.json} events with Jackson
 * (the new user had exactly that class path), and where nothing can write JSON the call that needs it throws
 * an {@link IllegalStateException} that says what to add, every time, never an {@code ExceptionInInitializerError}.
 */
class WithoutJsonbTest {
    private static final String WHAT_TO_ADD = "add org.eclipse:yasson or register a JSON provider such as Jackson";

    private static ClassPathWithout withoutYasson() {
        // JSON-B's API finds Yasson with Class.forName from its own class: load the API here too, so that it asks us
        return ClassPathWithout.dependency("org.eclipse.yasson.", "org.eclipse.yasson.JsonBindingProvider")
                .loadingItself("jakarta.json.bind.");
    }

    public static class Order {
        @JsonProperty("order_id")
        public String id = "A-1";
    }

    @Path("/")
    public static class OrderResource {
        @Context
        EventRegistry registry;

        @GET
        @Path("orders")
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public EventStream orders() {
            return EventStream.of(List.of(SseEvent.json(new Order()), "after"));
        }

        @GET
        @Path("orders/live")
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public EventStream live(@HeaderParam("Last-Event-ID") String lastEventId) {
            return registry.subscribe(Address.topic("orders")).lastEventId(lastEventId).open();
        }
    }

    /** Runs without Yasson. */
    public static final class Scenario {
        /** Two reads of a JSON event's data outside any application: what each throws. */
        public static List<String> dataTwice() {
            SseEvent event = SseEvent.json(new Order()); // never throws
            return List.of(failureOf(event::data), failureOf(event::data));
        }

        /**
         * A Jackson application's stream, and its registry: one event published before the application started (a
         * timer that fires early), one after; a subscriber replays both.
         */
        public static List<String> jacksonApplication() {
            try (EventRegistry registry = new EventRegistry(RegistryOptions.defaults())) {
                String early = registry.publish("orders", SseEvent.json(new Order())).toCompletableFuture().join()
                        .id();
                try (TestServer server = TestServer.start(application(registry).register(JacksonFeature.class))) {
                    String stream = server.get("/orders").readToEnd(Duration.ofSeconds(10));
                    String late = registry.publish("orders", SseEvent.json(new Order())).toCompletableFuture().join()
                            .id();
                    String replay = server.get("/orders/live", "Last-Event-ID: 0-1").readUntil(late, Duration.ofSeconds(10));
                    return List.of(stream, replay.replace(early, "EARLY").replace(late, "LATE"));
                }
            }
        }

        /** An application that cannot write JSON at all: its stream and its registry. */
        public static List<String> applicationWithoutJson() {
            try (EventRegistry registry = new EventRegistry(RegistryOptions.defaults());
                    TestServer server = TestServer.start(application(registry))) {
                RawClient stream = server.get("/orders");
                stream.readToEnd(Duration.ofSeconds(10));
                return List.of(stream.body(), failureOf(() -> registry.publish("orders", SseEvent.json(new Order()))));
            }
        }

        private static ResourceConfig application(EventRegistry registry) {
            return new ResourceConfig(OrderResource.class, EventStreamFeature.class)
                    .register(new BroadcastFeature(registry))
                    .property(ServerProperties.FEATURE_AUTO_DISCOVERY_DISABLE, true);
        }

        private static String failureOf(Runnable call) {
            try {
                call.run();
                return "no failure";
            } catch (RuntimeException | Error e) {
                return e.getClass().getName() + ": " + e.getMessage();
            }
        }
    }

    @Test
    void jsonEventData_withoutAnyJsonWriter_failsEveryTime_withAnOrdinaryExceptionSayingWhatToAdd() throws Throwable {
        @SuppressWarnings("unchecked")
        List<String> failures = (List<String>) withoutYasson().run(Scenario.class, "dataTwice");
        for (String failure : failures) {
            assertTrue(failure.startsWith(IllegalStateException.class.getName()) && failure.contains(WHAT_TO_ADD),
                    failure);
        }
    }

    @Test
    void jacksonApplicationWithoutJsonb_writesJsonEventsWithJackson_alsoThosePublishedBeforeItStarted()
            throws Throwable {
        @SuppressWarnings("unchecked")
        List<String> results = (List<String>) withoutYasson().run(Scenario.class, "jacksonApplication");
        assertEquals("data: {\"order_id\":\"A-1\"}\r\n\r\ndata: after\r\n\r\n", results.get(0));
        assertTrue(results.get(1).endsWith("id: EARLY\r\ndata: {\"order_id\":\"A-1\"}\r\n\r\n"
                + "id: LATE\r\ndata: {\"order_id\":\"A-1\"}\r\n\r\n"), results.get(1));
    }

    @Test
    void applicationWithoutAnyJsonWriter_endsTheStreamAtTheJsonEvent_andRefusesToPublishIt() throws Throwable {
        @SuppressWarnings("unchecked")
        List<String> results = (List<String>) withoutYasson().run(Scenario.class, "applicationWithoutJson");
        assertEquals("", results.get(0), "the stream ends at the event it cannot write");
        assertTrue(results.get(1).startsWith(IllegalStateException.class.getName())
                && results.get(1).contains(WHAT_TO_ADD), results.get(1));
    }
}
