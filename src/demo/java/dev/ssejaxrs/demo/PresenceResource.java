package dev.ssejaxrs.demo;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.broadcast.Presence;
import dev.ssejaxrs.redis.RedisUnavailableException;
import dev.ssejaxrs.stream.EventStream;

/**
 * Who watches a topic: {@code GET /topics/{topic}/presence} answers the count of its open streams on every node
 * (counts are public; the demo shows no names), and {@code GET /topics/{topic}/presence/stream} streams its presence
 * events (the current count first, then one event per second at most while it changes), which the front page shows
 * as "watching".
 */
@Path("topics/{topic}/presence")
public final class PresenceResource {
    @Context
    private EventRegistry registry;

    /** {@code GET /topics/{topic}/presence}: {@code {"topic": "<topic>", "count": n}}. */
    @GET
    @Produces(MediaType.APPLICATION_JSON + ";charset=UTF-8")
    public String count(@PathParam("topic") String topic) {
        Address address = ClientAddresses.of(registry, "topic", Address.Kind.TOPIC, topic);
        Presence presence;
        try {
            presence = registry.presence(address).toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RedisUnavailableException
                    || e.getCause() instanceof java.util.concurrent.TimeoutException) {
                throw new WebApplicationException("cannot count now: the event store is unavailable; try again",
                        Response.status(503).header("Retry-After", "5").build());
            }
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("topic", topic);
        json.put("count", presence.connections());
        return JsonErrors.json(json);
    }

    /** {@code GET /topics/{topic}/presence/stream}: {@code event: presence}, data {@code {"count": n, ...}}. */
    @GET
    @Path("stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public EventStream events(@PathParam("topic") String topic, @HeaderParam("Last-Event-ID") String lastEventId,
            @QueryParam("lastEventId") String lastEventIdParam) {
        Address address = ClientAddresses.of(registry, "topic", Address.Kind.TOPIC, topic);
        return registry.subscribe(Presence.eventsOf(address)).lastEventId(lastEventId, lastEventIdParam).open();
    }
}
