package dev.ssejaxrs.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.Response;

import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.ssejaxrs.broadcast.BroadcastFeature;
import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.broadcast.RegistryOptions;
import dev.ssejaxrs.testing.OpenEventStream;
import dev.ssejaxrs.testing.ReceivedEvent;
import dev.ssejaxrs.testing.SseServerExtension;

/** The job recipe of docs/use-cases.md over real HTTP: progress, done, the end, then 204. */
class JobProgressTest {
    private static final ExecutorService WORKERS = Executors.newFixedThreadPool(2);
    private static final EventRegistry REGISTRY = new EventRegistry(RegistryOptions.defaults());
    @RegisterExtension
    static final SseServerExtension server = SseServerExtension.of(() -> new ResourceConfig()
            .register(new BroadcastFeature(REGISTRY))
            .register(new JobProgressExample.JobResource(REGISTRY, WORKERS)));

    @AfterAll
    static void stop() {
        WORKERS.shutdownNow();
        REGISTRY.close();
    }

    @Test
    void aJobStreamsItsProgress_thenDone_andEnds_andAnswers204Afterwards() {
        String id;
        try (Response started = server.target("jobs").queryParam("steps", 2).queryParam("stepMs", 1000).request()
                .post(Entity.text(""))) {
            assertEquals(201, started.getStatus());
            id = started.readEntity(String.class).replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
        }
        try (OpenEventStream progress = server.openStream("jobs/" + id + "/progress")) {
            List<ReceivedEvent> events = progress.collect(3, Duration.ofSeconds(20));
            assertEquals(List.of("1/2", "2/2", "2/2"), events.stream().map(ReceivedEvent::data).toList());
            assertEquals("done", events.get(2).type());
            progress.awaitEnd(Duration.ofSeconds(20));
        }
        try (OpenEventStream after = server.openStream("jobs/" + id + "/progress")) {
            assertEquals(204, after.status(), "EventSource stops reconnecting");
        }
        try (OpenEventStream unknown = server.openStream("jobs/nope/progress")) {
            assertEquals(404, unknown.status());
        }
    }
}
