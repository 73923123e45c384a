package dev.ssejaxrs.readme;

import javax.sql.DataSource;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import org.glassfish.jersey.server.ResourceConfig;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.BroadcastFeature;
import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.broadcast.RegistryOptions;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.postgres.PostgresChangeFeed;
import dev.ssejaxrs.stream.EventStream;

/** The README's PostgreSQL change feed (the demo's {@code TodoResource} runs the same against a real database). */
final class TodoFeedExample {
    private TodoFeedExample() {
    }

    // README: begin todos
    static ResourceConfig todoApplication(DataSource dataSource) {
        EventRegistry registry = new EventRegistry(RegistryOptions.defaults());   // yours to close
        PostgresChangeFeed todos = PostgresChangeFeed.builder(registry, dataSource::getConnection)
                .listen("todo_inserted", Address.topic("todos"),      // default: event = channel, data = payload,
                        n -> SseEvent.builder().event("todo_added").data(n.payload()).build())   // topic = channel
                .build();
        return new ResourceConfig(TodoResource.class)
                .register(new BroadcastFeature(registry))
                .register(todos);                                      // starts and stops with the application
    }

    @Path("/")
    public static class TodoResource {
        @Context EventRegistry registry;

        @GET @Path("todos/stream") @Produces(MediaType.SERVER_SENT_EVENTS)
        public EventStream todos(@HeaderParam("Last-Event-ID") String lastEventId) {
            return registry.subscribe(Address.topic("todos")).lastEventId(lastEventId).open();
        }
    }
    // README: end todos
}
