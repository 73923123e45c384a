package dev.ssejaxrs.readme;

import java.util.stream.IntStream;
import java.util.stream.Stream;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.stream.EventStream;

// README: begin completions
@Path("/")
public class CompletionResource {
    /** The request body, as an LLM client sends it: {"prompt": "...", "words": 20}. */
    public record Prompt(String prompt, int words) { }

    @POST @Path("completions")
    @Consumes(MediaType.APPLICATION_JSON) @Produces(MediaType.SERVER_SENT_EVENTS)
    public EventStream complete(Prompt request) {
        if (request == null || request.prompt() == null || request.prompt().isBlank()
                || request.words() < 1 || request.words() > 1000) {
            throw new BadRequestException("prompt (not blank) and words (1 to 1000) are required");
        }
        String[] vocabulary = request.prompt().trim().split("\\s+");      // a deterministic stand-in for a model
        Stream<SseEvent> tokens = IntStream.range(0, request.words())
                .mapToObj(i -> SseEvent.builder().id(Integer.toString(i)).event("token")
                        .data(vocabulary[i % vocabulary.length]).build());
        SseEvent done = SseEvent.builder().event("done").data("[DONE]").build();
        return EventStream.of(Stream.concat(tokens, Stream.of(done)));        // read on a worker thread, then ends
    }
}
// README: end completions
