package dev.ssejaxrs.internal.jersey;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyWriter;

import dev.ssejaxrs.event.LineSeparator;
import dev.ssejaxrs.internal.core.StreamConnection;
import dev.ssejaxrs.internal.core.StreamEngine;
import dev.ssejaxrs.internal.grizzly.GrizzlySupport;
import dev.ssejaxrs.internal.servlet.ServletSupport;

/**
 * Opens an event stream when Jersey writes its {@link StreamStart} chunk: Jersey has committed the response, so
 * this captures the response stream (and, on Grizzly, the connection; on a servlet container, the asynchronous
 * request) and hands the stream to the {@link StreamEngine}. Runs inside the request scope, on the thread that
 * commits the response.
 */
public final class StreamStartWriter implements MessageBodyWriter<StreamStart> {
    /**
     * On the sink route Jersey appends a line feed to the chunk: with it, this makes an empty comment line (an
     * internal behaviour, see {@link JerseyInternals}).
     */
    private static final byte[] COMMENT_BEFORE_LF = ":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COMMENT_BEFORE_CRLF = ":\r".getBytes(StandardCharsets.US_ASCII);

    private final StreamEngine runtime;
    private final JerseyInternals jersey;
    private final GrizzlySupport grizzly;
    /** Whether the Servlet API is visible, so that {@link ServletSupport} can load. */
    private final boolean servlet;

    public StreamStartWriter(StreamEngine runtime, JerseyInternals jersey, GrizzlySupport grizzly, boolean servlet) {
        this.runtime = runtime;
        this.jersey = jersey;
        this.grizzly = grizzly;
        this.servlet = servlet;
    }

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return type == StreamStart.class;
    }

    @Override
    public void writeTo(StreamStart start, Class<?> type, Type genericType, Annotation[] annotations,
            MediaType mediaType, MultivaluedMap<String, Object> httpHeaders, OutputStream out) throws IOException {
        if (start.isHeadRequest()) {
            start.written(runtime, null, false); // a HEAD on the SseEventSink route: nothing to write
            return;
        }
        StreamConnection connection = null;
        if (grizzly != null) {
            connection = grizzly.connect(jersey, out, start.output);
        }
        if (connection == null && servlet) {
            connection = ServletSupport.connect(jersey, out, start.output);
        }
        if (connection == null) {
            connection = new BlockingConnection(out, start.output);
        }
        if (start.jerseyAddsLineFeed && !connection.isClientGone()) {
            boolean lf = start.stream.options().lineSeparator() == LineSeparator.LF;
            try {
                out.write(lf ? COMMENT_BEFORE_LF : COMMENT_BEFORE_CRLF);
            } catch (IOException e) {
                start.written(runtime, connection, true);
                throw e;
            }
        }
        start.written(runtime, connection, connection.isClientGone());
    }
}
