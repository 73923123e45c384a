package dev.ssejaxrs.internal.jersey;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

import dev.ssejaxrs.broadcast.EventTooLargeException;

/**
 * An event over the registry's {@code maxEventSize} that leaves a resource method (from {@code registry.publish})
 * becomes {@code 413} with {@code {"error": "<message>"}}, instead of the container's HTML 500. Registered by
 * {@code BroadcastFeature}; an application's own mapper for the same type takes precedence. Stateless.
 */
public final class EventTooLargeMapper implements ExceptionMapper<EventTooLargeException> {

    @Override
    public Response toResponse(EventTooLargeException e) {
        return Response.status(Response.Status.REQUEST_ENTITY_TOO_LARGE)
                .type(MediaType.APPLICATION_JSON_TYPE.withCharset("UTF-8"))
                .entity(InvalidAddressMapper.errorJson(e.getMessage())).build();
    }
}
