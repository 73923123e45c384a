package dev.ssejaxrs.readme;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import jakarta.inject.Inject;
import jakarta.ws.rs.*;
import jakarta.ws.rs.core.*;
import jakarta.ws.rs.sse.SseEventSink;

import dev.ssejaxrs.broadcast.*;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.stream.*;

// README: begin broadcasting
@Path("/")
public class NewsResource {
    @Context EventRegistry registry;                     // the application's registry

    @GET @Path("topics/{topic}") @Produces(MediaType.SERVER_SENT_EVENTS)
    public EventStream topic(@PathParam("topic") String topic, @HeaderParam("Last-Event-ID") String lastEventId,
                             @QueryParam("lastEventId") String lastEventIdParam) {
        return registry.subscribe(Address.topic(topic)).lastEventId(lastEventId, lastEventIdParam).open();
    }

    @POST @Path("topics/{topic}")
    public Response publish(@PathParam("topic") String topic, String body) {
        Delivery delivery = registry.publish(Address.topic(topic), SseEvent.of(body)).toCompletableFuture().join();
        return Response.status(201).type(MediaType.APPLICATION_JSON_TYPE)    // no JSON provider needed:
                .entity("{\"id\":\"" + delivery.id() + "\"}").build();      // ids are <millis>-<sequence>
    }

    @GET @Path("subscribe/{recipient}") @Produces(MediaType.SERVER_SENT_EVENTS)
    public EventStream subscribe(@PathParam("recipient") String recipient, @Context SecurityContext security) {
        return registry.subscribe(Address.recipient(recipient)).caller(security)
                .greeting(SseEvent.of("Connection established")).open();
    }

    @POST @Path("invoices/{recipient}")                  // events wait until the recipient connects
    public Response invoice(@PathParam("recipient") String recipient, String json) {
        registry.publishToRecipient(recipient, SseEvent.builder().event("invoice").data(json).build());
        return Response.accepted().build();
    }

    @GET @Path("events") @Produces(MediaType.SERVER_SENT_EVENTS)  // several addresses, one connection
    public EventStream events(@QueryParam("topic") List<String> topics, @HeaderParam("Last-Event-ID") String id,
                              @Context SecurityContext security) {
        List<Address> addresses = new ArrayList<>(topics.stream().map(Address::topic).toList());
        if (security.getUserPrincipal() != null) {
            addresses.add(Address.recipient(security.getUserPrincipal().getName()));
        }
        return registry.subscribe(addresses).lastEventId(id).caller(security).open();
    }
}
// README: end broadcasting
