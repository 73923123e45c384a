package dev.ssejaxrs.internal.jersey;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

import dev.ssejaxrs.broadcast.InvalidAddressException;

/**
 * A bad address name that leaves a resource method (typically from {@code registry.publish(...)}) becomes
 * {@code 400} with {@code {"error": "<message>"}}, instead of the container's HTML 500. Registered by
 * {@code BroadcastFeature}; an application's own mapper for the same type takes precedence. Stateless.
 */
public final class InvalidAddressMapper implements ExceptionMapper<InvalidAddressException> {

    @Override
    public Response toResponse(InvalidAddressException e) {
        return Response.status(Response.Status.BAD_REQUEST).type(MediaType.APPLICATION_JSON_TYPE.withCharset("UTF-8"))
                .entity(errorJson(e.getMessage())).build();
    }

    /** {@code {"error": message}}, the message escaped as a JSON string (RFC 8259, section 7). */
    public static String errorJson(String message) {
        return "{\"error\":" + dev.ssejaxrs.internal.core.JsonText.string(message) + "}";
    }
}
