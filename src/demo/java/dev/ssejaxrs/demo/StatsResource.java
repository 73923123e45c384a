package dev.ssejaxrs.demo;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.broadcast.RegistryStats;
import dev.ssejaxrs.stream.SseRuntime;

/**
 * {@code GET /stats}: what is open now, as counts: topic and recipient names (a recipient is a user) are shown only
 * when asked, {@code /stats?busiest=true} adding the 50 busiest addresses. Small whatever the number of addresses.
 */
@Path("/stats")
public final class StatsResource {

    @GET
    @Produces(MediaType.APPLICATION_JSON + ";charset=UTF-8")
    public String stats(@Context SseRuntime runtime, @Context EventRegistry registry,
            @QueryParam("busiest") String busiest) {
        boolean names = QueryParams.present(busiest);
        if (names && !busiest.equals("true") && !busiest.equals("false")) {
            throw JsonErrors.badRequest("busiest must be true or false: " + QueryParams.quote(busiest));
        }
        RegistryStats counts = registry.stats();
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("addresses", counts.addresses());
        figures.put("evicted", counts.evicted());
        figures.put("subscribers", counts.subscribers());
        figures.put("queued", counts.queued());
        figures.put("retained", counts.retained());
        figures.put("published", counts.published());
        figures.put("delivered", counts.delivered());
        figures.put("dropped", counts.dropped());
        figures.put("disconnects", counts.disconnects());
        if (names && busiest.equals("true")) {
            figures.put("busiest", counts.busiest());
        }
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("activeStreams", runtime.activeStreams());
        stats.put("scheduledPings", runtime.scheduledPings());
        stats.put("registry", figures);
        return JsonErrors.json(stats);
    }
}
