package dev.ssejaxrs.demo;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.stream.SseRuntime;

/** {@code GET /stats}: what is open now. */
@Path("/stats")
public final class StatsResource {

    @GET
    @Produces(MediaType.APPLICATION_JSON + ";charset=UTF-8")
    public String stats(@Context SseRuntime runtime, @Context EventRegistry registry) {
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("activeStreams", runtime.activeStreams());
        stats.put("scheduledPings", runtime.scheduledPings());
        Map<String, Object> topics = new LinkedHashMap<>();
        Map<String, Object> recipients = new LinkedHashMap<>();
        registry.stats().forEach((address, counts) ->
                (address.kind() == Address.Kind.TOPIC ? topics : recipients).put(address.name(), counts));
        stats.put("topics", topics);
        stats.put("recipients", recipients);
        return JsonErrors.json(stats);
    }
}
