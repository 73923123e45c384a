package dev.ssejaxrs.readme;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.stream.EventStream;

/** The README's htmx example (the demo's {@code HtmxResource} serves the page too). */
final class HtmxExample {
    private HtmxExample() {
    }

    // README: begin htmx
    @Path("htmx")
    public static class HtmxResource {
        @Context EventRegistry registry;

        @GET @Path("stream") @Produces(MediaType.SERVER_SENT_EVENTS)
        public EventStream stream() {
            return registry.subscribe(Address.topic("htmx")).open();
        }

        @POST @Path("messages") @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
        public Response post(@FormParam("text") String text) {
            registry.publish(Address.topic("htmx"),
                    SseEvent.builder().event("message").data("<li>" + escapeHtml(text) + "</li>").build());
            return Response.noContent().build();
        }

        static String escapeHtml(String text) {
            return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                    .replace("\"", "&quot;").replace("'", "&#39;");
        }
    }
    // README: end htmx
}
