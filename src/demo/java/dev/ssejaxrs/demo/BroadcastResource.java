package dev.ssejaxrs.demo;

import java.math.BigDecimal;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import jakarta.json.bind.JsonbException;
import jakarta.ws.rs.Consumes;
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

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.Delivery;
import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.postgres.PostgresUnavailableException;
import dev.ssejaxrs.redis.RedisUnavailableException;
import dev.ssejaxrs.stream.EventStream;

/**
 * The demo's broadcasting endpoints: per-recipient queues ({@code /subscribe}, {@code /emit}), topics with replay
 * ({@code /topics}) and the benchmark channel. The demo's registry lets anyone subscribe to anything (see
 * {@link DemoApplication}); a real application keeps the default, where a recipient's stream is its principal's.
 */
@Path("/")
public final class BroadcastResource {
    private static final String BENCH_TOPIC = "bench";
    private static final int MAX_NESTING = 64;

    @Context
    private EventRegistry registry;

    /** {@code GET /subscribe/{recipient}}: a greeting, what waited, then every event sent to the recipient. */
    @GET
    @Path("subscribe/{recipient}")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public EventStream subscribe(@PathParam("recipient") String recipient,
            @HeaderParam("Last-Event-ID") String lastEventId, @QueryParam("lastEventId") String lastEventIdParam) {
        return registry.subscribe(address("recipient", Address.Kind.RECIPIENT, recipient))
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
        Address recipient = address("recipient_id", Address.Kind.RECIPIENT, requiredText(json, "recipient_id"));
        SseEvent.Builder event = SseEvent.builder();
        field("event_name", () -> event.event(requiredText(json, "event_name")));
        Object data = json.get("event_data");
        if (data != null && !(data instanceof String)) {
            throw JsonErrors.badRequest("event_data must be a string");
        }
        field("event_data", () -> event.data(data == null ? "No Event Data" : (String) data));
        Object id = json.get("event_id");
        if (id != null) {
            event.id(Long.toString(int64("event_id", id)));
        }
        published(registry.publish(recipient, event.build()));
        return Response.accepted(JsonErrors.json(Map.of("status", "event queued"))).build();
    }

    /** {@code GET /topics/{topic}}: the retained events after {@code Last-Event-ID}, then live ones. */
    @GET
    @Path("topics/{topic}")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public EventStream topic(@PathParam("topic") String topic, @HeaderParam("Last-Event-ID") String lastEventId,
            @QueryParam("lastEventId") String lastEventIdParam) {
        return registry.subscribe(address("topic", Address.Kind.TOPIC, topic))
                .lastEventId(lastEventId, lastEventIdParam).open();
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
        Delivery delivery = published(registry.publish(address("topic", Address.Kind.TOPIC, topic), event.build()));
        return Response.status(201).entity(JsonErrors.json(Map.of("id", delivery.id()))).build();
    }

    /** {@code POST /topics/{topic}/disconnect}: ends the topic's streams; browsers reconnect and catch up. */
    @POST
    @Path("topics/{topic}/disconnect")
    @Produces(MediaType.APPLICATION_JSON + ";charset=UTF-8")
    public String disconnect(@PathParam("topic") String topic) {
        return JsonErrors.json(Map.of("disconnected",
                registry.disconnectAll(address("topic", Address.Kind.TOPIC, topic))));
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
        published(registry.publish(Address.topic(BENCH_TOPIC), SseEvent.of(body == null ? "" : body)));
        return Response.noContent().build();
    }

    /**
     * Waits for a publish (at once in memory; one round trip with Redis or PostgreSQL). The store away: 503 with a JSON reason and
     * {@code Retry-After}, for the client to try again (nothing was stored); the library's message, which names the
     * store's host and user, stays on the server.
     */
    static Delivery published(CompletionStage<Delivery> publishing) {
        try {
            return publishing.toCompletableFuture().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RedisUnavailableException
                    || e.getCause() instanceof PostgresUnavailableException) {
                throw new WebApplicationException("cannot publish now: the event store is unavailable (nothing was "
                        + "stored); try again", Response.status(503).header("Retry-After", "5").build());
            }
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** The address a client names in a parameter or field (see {@link ClientAddresses}); a bad name is a 400. */
    private Address address(String field, Address.Kind kind, String name) {
        return ClientAddresses.of(registry, field, kind, name);
    }

    /** Runs a setter of the event builder; its complaint becomes a 400 naming {@code field}. */
    private static void field(String field, Runnable set) {
        try {
            set.run();
        } catch (IllegalArgumentException e) {
            throw JsonErrors.badRequest(field + ": " + e.getMessage());
        }
    }

    /** A JSON number that is a 64-bit integer; checked without expanding it (1e99999999 stays cheap). */
    private static long int64(String field, Object value) {
        if (!(value instanceof BigDecimal number)) {
            throw JsonErrors.badRequest(field + " must be an integer");
        }
        try {
            if ((long) number.precision() - number.scale() <= 19) {
                return number.longValueExact();
            }
        } catch (ArithmeticException e) {
            // a fraction, or just beyond a long
        }
        throw JsonErrors.badRequest(field + " must be an integer from -2^63 to 2^63-1: " + shown(number));
    }

    private static String shown(BigDecimal number) {
        String text = number.toString(); // scientific notation for huge exponents: short
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }

    private static Map<?, ?> parseObject(String body) {
        if (body == null || body.isBlank()) {
            throw JsonErrors.badRequest("body must be a JSON object");
        }
        if (nesting(body) > MAX_NESTING) {
            throw JsonErrors.badRequest("body nests arrays or objects deeper than " + MAX_NESTING);
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

    /** How deep arrays and objects nest in {@code json}, strings skipped (the parser recurses per level). */
    private static int nesting(String json) {
        int depth = 0;
        int max = 0;
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '[' || c == '{') {
                max = Math.max(max, ++depth);
            } else if (c == ']' || c == '}') {
                depth--;
            }
        }
        return max;
    }

    private static String requiredText(Map<?, ?> json, String field) {
        Object value = json.get(field);
        if (!(value instanceof String text) || text.isEmpty()) {
            throw JsonErrors.badRequest(field + " is required and must be a non-empty string");
        }
        return text;
    }
}
