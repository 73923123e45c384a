package dev.ssejaxrs.readme;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.stream.EventStream;

/** The background-job recipe of docs/use-cases.md, whole (the demo's {@code JobResource} and {@code Jobs} too). */
final class JobProgressExample {
    private JobProgressExample() {
    }

    // README: begin jobs
    @Path("jobs")
    public static class JobResource {
        private final EventRegistry registry;
        private final ExecutorService workers;
        private final Map<String, Boolean> started = new LinkedHashMap<>() {  // the last 1,000 job ids
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > 1000;
            }
        };

        public JobResource(EventRegistry registry, ExecutorService workers) {
            this.registry = registry;
            this.workers = workers;
        }

        @POST @Produces(MediaType.APPLICATION_JSON)
        public Response start(@QueryParam("steps") @DefaultValue("10") int steps,
                              @QueryParam("stepMs") @DefaultValue("500") long stepMs) {
            String id = UUID.randomUUID().toString();
            Address topic = Address.topic("job-" + id);
            synchronized (started) {
                started.put(id, true);
            }
            workers.execute(() -> {
                try {
                    for (int step = 1; step <= steps; step++) {
                        TimeUnit.MILLISECONDS.sleep(stepMs);                       // the work
                        registry.publish(topic, SseEvent.builder().event("progress").data(step + "/" + steps).build());
                    }
                    registry.complete(topic, SseEvent.builder().event("done").data(steps + "/" + steps).build());
                } catch (Exception e) {
                    registry.complete(topic, SseEvent.builder().event("error").data("the job failed").build());
                }
            });
            return Response.created(URI.create("/jobs/" + id + "/progress")).entity("{\"id\":\"" + id + "\"}").build();
        }

        @GET @Path("{id}/progress") @Produces(MediaType.SERVER_SENT_EVENTS)
        public EventStream progress(@PathParam("id") String id, @HeaderParam("Last-Event-ID") String lastEventId) {
            synchronized (started) {
                if (!started.containsKey(id)) throw new NotFoundException();
            }
            // progress..., then done (or error) and the end; 204 once the job is complete: EventSource stops
            return registry.subscribe(Address.topic("job-" + id)).lastEventId(lastEventId).open();
        }
    }
    // README: end jobs
}
