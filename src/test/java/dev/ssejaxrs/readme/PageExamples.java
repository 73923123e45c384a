package dev.ssejaxrs.readme;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.broadcast.Presence;
import dev.ssejaxrs.broadcast.RegistryOptions;
import dev.ssejaxrs.broadcast.RenderCursor;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.stream.EventStream;

/** The broadcasting guide's presence, latest-value and render-time cursor examples ({@code PageExamplesTest}). */
final class PageExamples {
    private PageExamples() {
    }

    // README: begin page-options
    static RegistryOptions options() {
        return RegistryOptions.builder()
                .presenceEvents(Duration.ofSeconds(1))        // presence:<topic> announces who joined and left
                .latestValue(address -> address.name().equals("prices"),   // a new subscriber first gets
                        event -> event.event())                            // the latest event of each name
                .build();
    }
    // README: end page-options

    /** A ticket page: its comments rendered on the server, then live ones, and who is viewing it. */
    @Path("tickets/{id}")
    public static class TicketResource {
        @Context EventRegistry registry;
        final List<String> comments = new CopyOnWriteArrayList<>();        // registered as one instance

        // README: begin presence
        @GET @Path("viewers") @Produces(MediaType.APPLICATION_JSON)
        public CompletionStage<String> viewers(@PathParam("id") String id) {
            return registry.presence(Address.topic("ticket-" + id))          // counts are public, names are not
                    .thenApply(presence -> "{\"viewing\":" + presence.connections() + "}");
        }
        // README: end presence

        // README: begin cursor
        @GET @Produces(MediaType.TEXT_HTML)
        public Response page(@PathParam("id") String id) {
            String cursor = registry.head(Address.topic("ticket-" + id));    // first the cursor,
            String html = "<ul data-cursor=\"" + cursor + "\">"               // then the state it shows
                    + String.join("", comments.stream().map(c -> "<li>" + c.replace("&", "&amp;")
                            .replace("<", "&lt;") + "</li>").toList()) + "</ul>";
            return RenderCursor.header(Response.ok(html), cursor).build();    // and Last-Event-ID: <cursor>
        }

        @GET @Path("events") @Produces(MediaType.SERVER_SENT_EVENTS)
        public EventStream events(@PathParam("id") String id, @HeaderParam("Last-Event-ID") String header,
                                  @QueryParam("lastEventId") String query) {   // the page's script sends the cursor
            Address ticket = Address.topic("ticket-" + id);
            return registry.subscribe(ticket, Presence.eventsOf(ticket))      // comments and who comes and goes
                    .lastEventId(header, query).open();
        }
        // README: end cursor

        @POST @Path("comments")
        public Response comment(@PathParam("id") String id, String text) {
            comments.add(text);
            registry.publish(Address.topic("ticket-" + id), SseEvent.of(text)).toCompletableFuture().join();
            return Response.noContent().build();
        }
    }
}
