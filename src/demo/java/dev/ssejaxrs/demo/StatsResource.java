package dev.ssejaxrs.demo;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.stream.SseRuntime;

/** {@code GET /stats}: what is open now; small whatever the number of addresses (totals, the 50 busiest). */
@Path("/stats")
public final class StatsResource {

    @GET
    @Produces(MediaType.APPLICATION_JSON + ";charset=UTF-8")
    public String stats(@Context SseRuntime runtime, @Context EventRegistry registry) {
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("activeStreams", runtime.activeStreams());
        stats.put("scheduledPings", runtime.scheduledPings());
        stats.put("registry", registry.stats());
        return JsonErrors.json(stats);
    }
}
