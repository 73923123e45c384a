package dev.ssejaxrs.readme;

import java.util.Map;
import java.util.concurrent.Flow;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.stream.EventStream;

/** The background-job example of docs/use-cases.md (the demo's {@code JobResource} and {@code Jobs} run one whole). */
final class JobProgressExample {
    private JobProgressExample() {
    }

    // README: begin jobs
    /** What the resource needs of a job; the demo's {@code Jobs} runs them on an executor. */
    public interface Job {
        boolean finished();

        Flow.Publisher<SseEvent> progressAfter(String lastEventId);   // progress..., done (or error), then complete
    }

    @Path("/")
    public static class JobResource {
        private final Map<String, Job> jobs;                         // filled by POST /jobs

        public JobResource(Map<String, Job> jobs) {
            this.jobs = jobs;
        }

        @GET @Path("jobs/{id}/progress") @Produces(MediaType.SERVER_SENT_EVENTS)
        public Object progress(@PathParam("id") String id, @HeaderParam("Last-Event-ID") String lastEventId) {
            Job job = jobs.get(id);
            if (job == null) throw new NotFoundException();               // the demo answers 404 JSON
            if (job.finished()) return Response.noContent().build();      // 204: EventSource stops reconnecting
            return EventStream.of(job.progressAfter(lastEventId));
        }
    }
    // README: end jobs
}
