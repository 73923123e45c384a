package dev.ssejaxrs.internal.grizzly;

import java.lang.reflect.Type;

import jakarta.ws.rs.core.GenericType;

import org.glassfish.grizzly.http.server.Request;
import org.glassfish.jersey.internal.util.collection.Ref;

import dev.ssejaxrs.internal.jersey.JerseyInternals;

/**
 * Grizzly's request for the current Jersey request, or {@code null} when the request did not come from Grizzly. Must
 * run inside Jersey's request scope. Asks for the {@code Ref<Request>} that {@code GrizzlyHttpContainer} fills as the
 * request starts: looking up {@code Request} itself makes its request-scoped factory build the instance, which
 * leaves about 6 KB of garbage per stream.
 */
final class GrizzlyRequests {
    private static final Type REQUEST_REF = new GenericType<Ref<Request>>() { }.getType();

    private GrizzlyRequests() {
    }

    static Request current(JerseyInternals jersey) {
        if (jersey.requestInstance(REQUEST_REF) instanceof Ref<?> ref && ref.get() instanceof Request request) {
            return request;
        }
        return jersey.requestInstance(Request.class);
    }
}
