package dev.ssejaxrs.demo;

import java.util.ArrayList;
import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.stream.EventStream;

/**
 * {@code GET /events?topic=a&topic=b[&recipient=r][&lastEventId=ID]}: several topics, and optionally a recipient's
 * queue, on one stream (a browser allows six HTTP/1.1 connections per host), in publish order across them; one
 * {@code Last-Event-ID} resumes all of them.
 */
@Path("/events")
public final class EventsResource {
    /** At most this many topics on one stream. */
    static final int MAX_TOPICS = 32;

    @Context
    private EventRegistry registry;

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public EventStream events(@QueryParam("topic") List<String> topics, @QueryParam("recipient") String recipient,
            @HeaderParam("Last-Event-ID") String lastEventId, @QueryParam("lastEventId") String lastEventIdParam) {
        List<Address> addresses = new ArrayList<>();
        for (String topic : topics) {
            if (QueryParams.present(topic)) {
                addresses.add(checked("topic", Address.Kind.TOPIC, topic));
            }
        }
        if (addresses.size() > MAX_TOPICS) {
            throw JsonErrors.badRequest("topic: at most " + MAX_TOPICS + " topics on one stream, not "
                    + addresses.size());
        }
        if (QueryParams.present(recipient)) {
            addresses.add(checked("recipient", Address.Kind.RECIPIENT, recipient));
        }
        if (addresses.isEmpty()) {
            throw JsonErrors.badRequest("topic: give at least one topic (or a recipient)");
        }
        return registry.subscribe(addresses).lastEventId(lastEventId, lastEventIdParam).open();
    }

    private Address checked(String parameter, Address.Kind kind, String name) {
        return ClientAddresses.of(registry, parameter, kind, name);
    }
}
