package dev.ssejaxrs.demo;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import jakarta.json.bind.JsonbException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.Caller;
import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.stream.EventStream;

/**
 * Credentials that expire, shown with signed bearer tokens ({@link DemoTokens}): {@code POST /tokens} with
 * {@code {"user": "alice", "seconds": 60}} answers {@code {"token": "...", "expires": "..."}}; {@code GET /me/events}
 * with {@code Authorization: Bearer <token>} (or {@code ?access_token=}, for an {@code EventSource}, which cannot set
 * headers) streams alice's recipient events, as {@code /subscribe/alice} does, until the token expires: then
 * {@code event: credentials-expired}, and the client gets a new token and reconnects with {@code Last-Event-ID}.
 */
@Path("/")
public final class TokenResource {
    private static final long MAX_SECONDS = 3600;

    @Context
    private EventRegistry registry;
    @Context
    private DemoTokens tokens;

    /** {@code POST /tokens}: a token for {@code user}, good for {@code seconds} (1 to 3600, default 300). */
    @POST
    @Path("tokens")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON + ";charset=UTF-8")
    public Response issue(String body) {
        Map<?, ?> json = object(body);
        Object user = json.get("user");
        if (!(user instanceof String name) || name.isBlank()) {
            throw JsonErrors.badRequest("user must be a non-empty string");
        }
        Address recipient = ClientAddresses.of(registry, "user", Address.Kind.RECIPIENT, name);
        long seconds = seconds(json.get("seconds"));
        Instant expires = Instant.now().plusSeconds(seconds);
        String token = tokens.issue(recipient.name(), Duration.ofSeconds(seconds));
        return Response.status(201).entity(JsonErrors.json(Map.of("token", token, "expires", expires.toString())))
                .build();
    }

    /** {@code GET /me/events}: the token's user's recipient stream, until the token expires. */
    @GET
    @Path("me/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public EventStream events(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @QueryParam("access_token") String accessToken, @HeaderParam("Last-Event-ID") String lastEventId,
            @QueryParam("lastEventId") String lastEventIdParam) {
        String token = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).strip() : accessToken;
        Caller caller = tokens.caller(token);
        return registry.subscribe(Address.recipient(caller.name())).caller(caller)
                .greeting(SseEvent.of("Connection established")).lastEventId(lastEventId, lastEventIdParam).open();
    }

    private static long seconds(Object value) {
        if (value == null) {
            return 300;
        }
        if (value instanceof BigDecimal number && number.scale() <= 0 && number.compareTo(BigDecimal.ONE) >= 0
                && number.compareTo(BigDecimal.valueOf(MAX_SECONDS)) <= 0) {
            return number.longValueExact();
        }
        throw JsonErrors.badRequest("seconds must be an integer from 1 to " + MAX_SECONDS);
    }

    private static Map<?, ?> object(String body) {
        try {
            if (body != null && body.length() <= 4096 && JsonErrors.parse(body) instanceof Map<?, ?> map) {
                return map;
            }
        } catch (JsonbException e) {
            throw JsonErrors.badRequest("body is not valid JSON: " + e.getMessage());
        }
        throw JsonErrors.badRequest("body must be a JSON object of at most 4096 characters");
    }
}
