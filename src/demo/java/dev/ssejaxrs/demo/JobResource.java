package dev.ssejaxrs.demo;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.stream.EventStream;

/**
 * Progress of background jobs: {@code POST /jobs} starts one, {@code GET /jobs/{id}/progress} follows it until it is
 * done: the job publishes to its topic and completes it ({@link Jobs}), so the registry ends its followers' streams.
 * Once it is finished the answer is 204, which tells a browser's {@code EventSource} to stop reconnecting.
 */
@Path("jobs")
public final class JobResource {
    @Context
    private Jobs jobs;
    @Context
    private EventRegistry registry;

    /** {@code POST /jobs} {@code {"steps": n, "stepMs": ms, "failAt": k?}}: 201 {@code {"id": "..."}}. */
    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON + ";charset=UTF-8")
    public Response start(String body) {
        JsonBody json = JsonBody.parse(body);
        int steps = (int) json.integer("steps", 1, Jobs.MAX_STEPS, 10);
        long stepMs = json.integer("stepMs", 0, Jobs.MAX_STEP_MILLIS, 500);
        int failAt = (int) json.integer("failAt", 0, steps, 0);
        Jobs.Job job;
        try {
            job = jobs.start(steps, Duration.ofMillis(stepMs), failAt);
        } catch (RejectedExecutionException e) {
            throw new WebApplicationException("too many jobs are waiting; try again later",
                    Response.status(Response.Status.SERVICE_UNAVAILABLE).build());
        }
        return Response.created(URI.create("/jobs/" + job.id + "/progress"))
                .entity(JsonErrors.json(Map.of("id", job.id))).build();
    }

    /**
     * {@code GET /jobs/{id}/progress}: {@code event: progress} per step from the current one (or from after
     * {@code Last-Event-ID}), then {@code event: done} (or {@code event: error}) and the end; 204 once the job is
     * finished, 404 for an unknown job.
     */
    @GET
    @Path("{id}/progress")
    @Produces({MediaType.SERVER_SENT_EVENTS, MediaType.APPLICATION_JSON})
    public Object progress(@PathParam("id") String id, @HeaderParam("Last-Event-ID") String lastEventId,
            @QueryParam("lastEventId") String lastEventIdParam) {
        Jobs.Job job = jobs.find(id);
        if (job == null) {
            throw new WebApplicationException("no job with id " + QueryParams.quote(id),
                    Response.status(Response.Status.NOT_FOUND).build());
        }
        if (job.finished()) {
            return Response.noContent().build();
        }
        String last = QueryParams.present(lastEventId) ? lastEventId : lastEventIdParam;
        // without an id: from the current step (its progress again, then the next ones)
        return registry.subscribe(job.topic).lastEventId(QueryParams.present(last) ? last : job.beforeCurrentStep())
                .open();
    }
}
