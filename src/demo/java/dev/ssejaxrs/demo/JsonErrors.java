package dev.ssejaxrs.demo;

import java.util.Map;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Every error of the demo as JSON {@code {"error": "..."}} with its 4xx status, never a stack trace. */
@Provider
public final class JsonErrors implements ExceptionMapper<WebApplicationException> {
    private static final Jsonb JSON = JsonbBuilder.create();

    /** A 400 answer whose message names the bad parameter or field. */
    static WebApplicationException badRequest(String message) {
        return new WebApplicationException(message, Response.status(400).build());
    }

    /** Parses a JSON document into maps, lists, strings, {@code BigDecimal}s, booleans and nulls. */
    static Object parse(String json) {
        return JSON.fromJson(json, Object.class);
    }

    /** A JSON body. */
    static String json(Object value) {
        return JSON.toJson(value);
    }

    @Override
    public Response toResponse(WebApplicationException e) {
        Response original = e.getResponse();
        if (original.getStatus() < 400) {
            return original; // a 204 that ends a stream (EventSource stops reconnecting) has no body
        }
        String message = e.getMessage() != null ? e.getMessage() : original.getStatusInfo().getReasonPhrase();
        return Response.fromResponse(original) // its headers too (Retry-After, WWW-Authenticate)
                .type(MediaType.APPLICATION_JSON_TYPE.withCharset("UTF-8"))
                .entity(json(Map.of("error", message)))
                .build();
    }
}
