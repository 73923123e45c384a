package dev.ssejaxrs.demo;

import java.math.BigDecimal;
import java.util.Map;

import jakarta.json.bind.JsonbException;
import jakarta.ws.rs.Consumes;
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
import dev.ssejaxrs.broadcast.Delivery;
import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.stream.EventStream;

/**
 * The demo's broadcasting endpoints: per-recipient queues ({@code /subscribe}, {@code /emit}), topics with replay
 * ({@code /topics}) and the benchmark channel. The demo's registry lets anyone subscribe to anything (see
 * {@link DemoApplication}); a real application keeps the default, where a recipient's stream is its principal's.
 */
@Path("/")
public final class BroadcastResource {
    private static final String BENCH_TOPIC = "bench";

    @Context
    private EventRegistry registry;

    /** {@code GET /subscribe/{recipient}}: a greeting, what waited, then every event sent to the recipient. */
    @GET
    @Path("subscribe/{recipient}")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public EventStream subscribe(@PathParam("recipient") String recipient,
            @HeaderParam("Last-Event-ID") String lastEventId, @QueryParam("lastEventId") String lastEventIdParam) {
        return registry.subscribe(Address.recipient(recipient))
                .greeting(SseEvent.of("Connection established"))
                .lastEventId(lastEventId, lastEventIdParam)
                .open();
    }

    /** {@code POST /emit}: {@code {"event_name", "event_data"?, "event_id"?, "recipient_id"}} to a recipient. */
    @POST
    @Path("emit")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON + ";charset=UTF-8")
    public Response emit(String body) {
        Map<?, ?> json = parseObject(body);
        String recipient = requiredText(json, "recipient_id");
        SseEvent.Builder event = SseEvent.builder().event(requiredText(json, "event_name"));
        Object data = json.get("event_data");
        if (data != null && !(data instanceof String)) {
            throw JsonErrors.badRequest("event_data must be a string");
        }
        event.data(data == null ? "No Event Data" : (String) data);
        Object id = json.get("event_id");
        if (id != null) {
            if (!(id instanceof BigDecimal number) || number.scale() > 0 && number.stripTrailingZeros().scale() > 0) {
                throw JsonErrors.badRequest("event_id must be an integer");
            }
            event.id(((BigDecimal) id).toBigInteger().toString());
        }
        registry.publishToRecipient(recipient, event.build());
        return Response.accepted(JsonErrors.json(Map.of("status", "event queued"))).build();
    }

    /** {@code GET /topics/{topic}}: the retained events after {@code Last-Event-ID}, then live ones. */
    @GET
    @Path("topics/{topic}")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public EventStream topic(@PathParam("topic") String topic, @HeaderParam("Last-Event-ID") String lastEventId,
            @QueryParam("lastEventId") String lastEventIdParam) {
        return registry.subscribe(Address.topic(topic)).lastEventId(lastEventId, lastEventIdParam).open();
    }

    /** {@code POST /topics/{topic}[?event=NAME]}: the body as one event's data; answers its id. */
    @POST
    @Path("topics/{topic}")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON + ";charset=UTF-8")
    public Response publish(@PathParam("topic") String topic, @QueryParam("event") String name, String body) {
        SseEvent.Builder event = SseEvent.builder().data(body == null ? "" : body);
        if (QueryParams.present(name)) {
            try {
                event.event(name);
            } catch (IllegalArgumentException e) {
                throw JsonErrors.badRequest(e.getMessage());
            }
        }
        Delivery delivery = registry.publish(Address.topic(topic), event.build()).toCompletableFuture().join();
        return Response.status(201).entity(JsonErrors.json(Map.of("id", delivery.id()))).build();
    }

    /** {@code POST /topics/{topic}/disconnect}: ends the topic's streams; browsers reconnect and catch up. */
    @POST
    @Path("topics/{topic}/disconnect")
    @Produces(MediaType.APPLICATION_JSON + ";charset=UTF-8")
    public String disconnect(@PathParam("topic") String topic) {
        return JsonErrors.json(Map.of("disconnected", registry.disconnectAll(Address.topic(topic))));
    }

    /** {@code GET /bench/topic}: the benchmark's broadcast channel (no replay). */
    @GET
    @Path("bench/topic")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public EventStream benchTopic() {
        return registry.subscribe(Address.topic(BENCH_TOPIC)).open();
    }

    /** {@code POST /bench/publish}: the body as one event to every benchmark subscriber. */
    @POST
    @Path("bench/publish")
    @Consumes(MediaType.WILDCARD)
    public Response benchPublish(String body) {
        registry.publish(Address.topic(BENCH_TOPIC), SseEvent.of(body == null ? "" : body));
        return Response.noContent().build();
    }

    private static Map<?, ?> parseObject(String body) {
        if (body == null || body.isBlank()) {
            throw JsonErrors.badRequest("body must be a JSON object");
        }
        try {
            Object parsed = JsonErrors.parse(body);
            if (parsed instanceof Map<?, ?> map) {
                return map;
            }
        } catch (JsonbException e) {
            throw JsonErrors.badRequest("body is not valid JSON: " + e.getMessage());
        }
        throw JsonErrors.badRequest("body must be a JSON object");
    }

    private static String requiredText(Map<?, ?> json, String field) {
        Object value = json.get(field);
        if (!(value instanceof String text) || text.isEmpty()) {
            throw JsonErrors.badRequest(field + " is required and must be a non-empty string");
        }
        return text;
    }
}
