package dev.ssejaxrs.demo;

import java.util.concurrent.TimeUnit;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
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

import dev.ssejaxrs.broadcast.ResumableStreams;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.stream.EventStream;

/**
 * Resumable generations: {@code POST /chat} starts a deterministic fake "model" that runs on its own and answers with
 * its stream at once; {@code GET /chat/{id}} resumes it on any node, {@code DELETE /chat/{id}} cancels it, and the
 * {@code /chat} page shows an answer that survives a reload.
 */
@Path("chat")
public final class ChatResource {
    @Context
    private ResumableStreams answers;

    /** {@code GET /chat}: the page. */
    @GET
    @Produces(MediaType.TEXT_HTML + ";charset=UTF-8")
    public String page() {
        return StaticFiles.text("chat.html");
    }

    /**
     * {@code POST /chat} {@code {"prompt": str, "words": n?, "wordMs": ms?}}: {@code event: token} per word
     * ({@code w1} ... {@code w<n>}, each with an id), then {@code event: done} ({@code {"words": n}}) and the end;
     * {@code Location: /chat/<id>}.
     */
    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces({MediaType.SERVER_SENT_EVENTS, MediaType.APPLICATION_JSON})
    public Response start(String body) {
        JsonBody json = JsonBody.parse(body);
        json.text("prompt"); // the fake model ignores it, but a prompt is required
        int words = (int) json.integer("words", 1, 1000, 40);
        long wordMs = json.integer("wordMs", 0, 1000, 50);
        String id = answers.start(emitter -> {
            for (int i = 1; i <= words; i++) {
                TimeUnit.MILLISECONDS.sleep(wordMs);
                emitter.emit(SseEvent.builder().event("token").data("w" + i).build());
            }
            return SseEvent.of("{\"words\":" + words + "}"); // sent as event: done
        });
        return Response.ok(answers.resume(id, null)).header("Location", "/chat/" + id).build();
    }

    /**
     * {@code GET /chat/{id}}: the tokens after {@code Last-Event-ID} (header, or {@code lastEventId} query), else all
     * of them, then live ones, then {@code event: done} and the end; 204 once no longer kept; 404 unknown.
     */
    @GET
    @Path("{id}")
    @Produces({MediaType.SERVER_SENT_EVENTS, MediaType.APPLICATION_JSON})
    public EventStream resume(@PathParam("id") String id, @HeaderParam("Last-Event-ID") String header,
            @QueryParam("lastEventId") String query) {
        return answers.resume(id, QueryParams.present(header) ? header : query);
    }

    /** {@code DELETE /chat/{id}}: cancels a running answer (its streams end with {@code event: cancelled}). */
    @DELETE
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response cancel(@PathParam("id") String id) {
        if (!answers.cancel(id)) {
            throw new WebApplicationException("no answer with id " + QueryParams.quote(id),
                    Response.status(Response.Status.NOT_FOUND).build());
        }
        return Response.noContent().build();
    }
}
