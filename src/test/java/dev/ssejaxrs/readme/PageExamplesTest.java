package dev.ssejaxrs.readme;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.Response;

import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.broadcast.BroadcastFeature;
import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.test.TestServer;
import dev.ssejaxrs.testing.EventStreamClient;
import dev.ssejaxrs.testing.OpenEventStream;

/** The broadcasting guide's ticket page works as it says: rendered with a cursor, then live, with its viewers. */
class PageExamplesTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void ticketPage_rendersWithItsCursor_theStreamGoesOnFromThere_andCountsItsViewers() {
        EventRegistry registry = new EventRegistry(PageExamples.options());
        Client client = ClientBuilder.newClient();
        try (registry; TestServer server = TestServer.start(new ResourceConfig()
                .register(new PageExamples.TicketResource()).register(new BroadcastFeature(registry)))) {
            String base = "http://127.0.0.1:" + server.port + "/tickets/7";
            client.target(base + "/comments").request().post(Entity.text("first <b>"));
            Response page = client.target(base).request().get();
            String html = page.readEntity(String.class);
            String cursor = EventStreamClient.cursor(page);
            assertEquals("<ul data-cursor=\"" + cursor + "\"><li>first &lt;b></li></ul>", html);
            client.target(base + "/comments").request().post(Entity.text("second"));
            try (OpenEventStream events = EventStreamClient.open(client.target(base + "/events"), cursor)) {
                assertEquals("second", events.next(WAIT).data(), "the comment after the render, not the first");
                await().atMost(WAIT).until(() -> client.target(base + "/viewers").request().get(String.class)
                        .equals("{\"viewing\":1}"));
                assertTrue(events.awaitEvent(e -> e.type().equals("presence"), WAIT).data()
                        .startsWith("{\"count\":1,"), "its own arrival, announced");
            } finally {
                client.close();
            }
        }
    }
}
