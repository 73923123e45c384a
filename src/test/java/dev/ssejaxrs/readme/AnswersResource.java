package dev.ssejaxrs.readme;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
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

import dev.ssejaxrs.broadcast.ResumableStreams;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.stream.EventStream;

// README: begin answers
@Path("answers")
public class AnswersResource {
    /** The request body: {"prompt": "...", "words": 20}. */
    public record Prompt(String prompt, int words) { }

    private final ResumableStreams streams;                  // one per application: new ResumableStreams(options)

    public AnswersResource(ResumableStreams streams) {
        this.streams = streams;
    }

    @POST @Consumes(MediaType.APPLICATION_JSON) @Produces(MediaType.SERVER_SENT_EVENTS)
    public Response ask(Prompt request) {
        if (request == null || request.prompt() == null || request.words() < 1 || request.words() > 1000) {
            throw new BadRequestException("prompt and words (1 to 1000) are required");
        }
        String id = streams.start(emitter -> {                   // runs on its own thread, whoever listens
            String[] vocabulary = request.prompt().trim().split("\\s+");
            for (int i = 0; i < request.words(); i++) {
                emitter.emit(SseEvent.builder().event("token").data(vocabulary[i % vocabulary.length]).build());
            }
            return SseEvent.of("{\"words\":" + request.words() + "}");     // the last event: event: done
        });
        return Response.ok(streams.resume(id, null)).header("Location", "answers/" + id).build();
    }

    @GET @Path("{id}") @Produces({MediaType.SERVER_SENT_EVENTS, MediaType.APPLICATION_JSON})
    public EventStream resume(@PathParam("id") String id, @HeaderParam("Last-Event-ID") String lastEventId,
                              @QueryParam("lastEventId") String lastEventIdQuery) {
        return streams.resume(id, lastEventId != null ? lastEventId : lastEventIdQuery);  // 204 when no longer kept
    }

    @DELETE @Path("{id}")
    public void cancel(@PathParam("id") String id) {
        if (!streams.cancel(id)) throw new NotFoundException();                     // on any node
    }
}
// README: end answers
