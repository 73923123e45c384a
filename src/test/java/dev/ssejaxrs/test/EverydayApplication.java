package dev.ssejaxrs.test;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.BroadcastFeature;
import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.stream.EventStream;
import dev.ssejaxrs.stream.EventStreamFeature;

/**
 * What most applications do, for the tests that take an optional dependency away ({@link ClassPathWithout}): a
 * stream from a resource and a topic of the registry (the default {@code BroadcastFeature}, which asks CDI for a
 * registry bean when the CDI API is there), on a real server, with the warnings logged meanwhile.
 */
public final class EverydayApplication {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private EverydayApplication() {
    }

    @Path("/")
    public static class Resource {
        @Context
        EventRegistry registry;

        @GET
        @Path("numbers")
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public EventStream numbers() {
            return EventStream.of(List.of("1", "2"));
        }

        @GET
        @Path("news")
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public EventStream news() {
            return registry.subscribe(Address.topic("news")).open();
        }
    }

    /**
     * Runs the application (registered by hand: Jersey's auto-discovery would load this project's classes from the
     * test class path instead of the caller's class loader) and returns the stream's body, what a subscriber of
     * {@code news} received of a published event, and the warnings logged, each as {@code logger: message}.
     */
    public static List<String> run() {
        try (LoggedWarnings warnings = LoggedWarnings.anywhere();
                TestServer server = TestServer.start(new ResourceConfig(Resource.class, EventStreamFeature.class,
                        BroadcastFeature.class).property(ServerProperties.FEATURE_AUTO_DISCOVERY_DISABLE, true))) {
            String numbers = server.get("/numbers").readToEnd(WAIT);
            EventRegistry registry = server.injected(EventRegistry.class);
            try (RawClient news = server.get("/news")) {
                await().atMost(WAIT).until(() -> registry.stats(Address.topic("news")).subscribers() == 1);
                registry.publish("news", SseEvent.of("hello")).toCompletableFuture().join();
                String published = news.readUntil("data: hello\r\n\r\n", WAIT);
                List<String> result = new ArrayList<>(List.of(numbers, published.replaceAll("id: \\d+-\\d+", "id: ID")));
                warnings.snapshot().stream()
                        .filter(w -> !w.startsWith("org.glassfish.jersey.server.wadl")) // no JAXB here
                        .forEach(result::add);
                return result;
            }
        }
    }

    /** What {@link #run()} returns when everything works and nothing was logged. */
    public static List<String> expected() {
        return List.of("data: 1\r\n\r\ndata: 2\r\n\r\n", "id: ID\r\ndata: hello\r\n\r\n");
    }
}
