package dev.ssejaxrs.internal.jersey;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;

import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyWriter;

import dev.ssejaxrs.event.LineSeparator;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.internal.core.StreamEngine;

/**
 * Writes one {@link SseEvent} returned as a whole response body, with its cached CRLF encoding; JSON data of
 * {@code SseEvent.json(value)} is written by the application's JSON provider, as on its streams.
 */
@Produces(MediaType.SERVER_SENT_EVENTS)
public final class SseEventWriter implements MessageBodyWriter<SseEvent> {
    private final StreamEngine runtime;

    public SseEventWriter(StreamEngine runtime) {
        this.runtime = runtime;
    }

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return SseEvent.class.isAssignableFrom(type);
    }

    @Override
    public long getSize(SseEvent event, Class<?> type, Type genericType, Annotation[] annotations,
            MediaType mediaType) {
        return -1; // unknown before the JSON is written; JAX-RS 2.0 on ignores it anyway
    }

    @Override
    public void writeTo(SseEvent event, Class<?> type, Type genericType, Annotation[] annotations,
            MediaType mediaType, MultivaluedMap<String, Object> httpHeaders, OutputStream out) throws IOException {
        runtime.encoder().withJson(event).writeTo(out, LineSeparator.CRLF);
    }
}
