package dev.ssejaxrs.demo;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.stream.EventStream;

/**
 * htmx: {@code GET /htmx} is a page whose list is filled by htmx's SSE extension ({@code sse-connect},
 * {@code sse-swap}) from the {@code htmx} topic; {@code POST /htmx/messages} publishes a message as an HTML fragment,
 * its text escaped so that whatever a user types arrives as text, never as markup.
 */
@Path("htmx")
public final class HtmxResource {
    static final Address TOPIC = Address.topic("htmx");
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final int MAX_TEXT = 2_000;

    @Context
    private EventRegistry registry;

    /** {@code GET /htmx}: the page. */
    @GET
    @Produces(MediaType.TEXT_HTML + ";charset=UTF-8")
    public String page() {
        return StaticFiles.text("htmx.html");
    }

    /** {@code GET /htmx/stream}: the topic's fragments as {@code event: message}; replay by {@code Last-Event-ID}. */
    @GET
    @Path("stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public EventStream stream(@HeaderParam("Last-Event-ID") String lastEventId,
            @QueryParam("lastEventId") String lastEventIdParam) {
        return registry.subscribe(TOPIC).lastEventId(lastEventId, lastEventIdParam).open();
    }

    /** {@code POST /htmx/messages} (form field {@code text}): publishes one fragment; 204. */
    @POST
    @Path("messages")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response post(@FormParam("text") String text) {
        if (text == null || text.isBlank()) {
            throw JsonErrors.badRequest("text is required and must not be blank");
        }
        if (text.length() > MAX_TEXT) {
            throw JsonErrors.badRequest("text must be at most " + MAX_TEXT + " characters: " + text.length());
        }
        String fragment = "<li><time>" + LocalTime.now().format(CLOCK) + "</time> " + escape(text) + "</li>";
        registry.publish(TOPIC, SseEvent.builder().event("message").data(fragment).build());
        return Response.noContent().build();
    }

    /** HTML-escapes text for element content and attribute values. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
