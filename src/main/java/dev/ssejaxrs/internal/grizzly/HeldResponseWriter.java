package dev.ssejaxrs.internal.grizzly;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;

import jakarta.ws.rs.container.ContainerRequestContext;

import org.glassfish.jersey.server.ContainerException;
import org.glassfish.jersey.server.ContainerRequest;
import org.glassfish.jersey.server.ContainerResponse;
import org.glassfish.jersey.server.spi.ContainerResponseWriter;

import dev.ssejaxrs.internal.jersey.JerseyInternals;

/**
 * The container's response writer for one event stream, with which the stream can let Jersey finish the request
 * while the response goes on. Until {@link #takeOver()} it only passes every call on. From then on, Jersey's end of
 * the response (closing the response stream and {@code commit()}) reaches neither the container's stream nor its
 * writer, so that Jersey can close its chunked output and release the request's scope, {@code ContainerRequest} and
 * {@code ContainerResponse} (about 6 KB that an idle stream would otherwise keep); the stream then writes to the
 * {@linkplain #containerStream() container's stream} directly and {@linkplain #end() ends} the response itself.
 *
 * <p>Installed by the response filter (see {@link #hold}); Jersey calls it on the
 * request thread, {@link #takeOver()} runs on the thread that activates the stream, and {@link #end()} on the
 * stream's drain task, after Jersey has let go.
 */
public final class HeldResponseWriter implements ContainerResponseWriter {
    private static final System.Logger LOG = System.getLogger(HeldResponseWriter.class.getName());

    private final ContainerResponseWriter container;
    private volatile OutputStream containerStream;
    private volatile boolean takenOver;

    public HeldResponseWriter(ContainerResponseWriter container) {
        this.container = container;
    }

    /** The container's response stream, once Jersey has written the head; {@code null} before. */
    OutputStream containerStream() {
        return containerStream;
    }

    /** From now on Jersey's end of the response is ignored; the stream ends it with {@link #end()}. */
    void takeOver() {
        takenOver = true;
    }

    /** Ends the response that was taken over: closes the container's stream, then commits the container's writer. */
    void end() {
        OutputStream stream = containerStream;
        try {
            if (stream != null) {
                stream.close();
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "closing an event stream's response failed (the client is gone)", e);
        } finally {
            try {
                container.commit();
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "completing an event stream's response failed", e);
            }
        }
    }

    @Override
    public OutputStream writeResponseStatusAndHeaders(long contentLength, ContainerResponse response)
            throws ContainerException {
        OutputStream stream = container.writeResponseStatusAndHeaders(contentLength, response);
        containerStream = stream;
        return stream == null ? null : new Shielded(stream);
    }

    @Override
    public boolean suspend(long timeOut, TimeUnit timeUnit, TimeoutHandler timeoutHandler) {
        return container.suspend(timeOut, timeUnit, timeoutHandler);
    }

    @Override
    public void setSuspendTimeout(long timeOut, TimeUnit timeUnit) throws IllegalStateException {
        container.setSuspendTimeout(timeOut, timeUnit);
    }

    @Override
    public void commit() {
        if (!takenOver) {
            container.commit();
        }
    }

    @Override
    public void failure(Throwable error) {
        container.failure(error);
    }

    @Override
    public boolean enableResponseBuffering() {
        return container.enableResponseBuffering();
    }

    /** The container's stream as Jersey sees it: once taken over, Jersey's flush and close do not reach it. */
    private final class Shielded extends OutputStream {
        private final OutputStream stream;

        Shielded(OutputStream stream) {
            this.stream = stream;
        }

        @Override
        public void write(int b) throws IOException {
            stream.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            stream.write(bytes, offset, length);
        }

        @Override
        public void flush() throws IOException {
            if (!takenOver) {
                stream.flush();
            }
        }

        @Override
        public void close() throws IOException {
            if (!takenOver) {
                stream.close();
            }
        }
    }

    /**
     * Replaces the current request's response writer with a {@code HeldResponseWriter} around it, or returns
     * {@code null} when there is none. Must run in a response filter, inside Jersey's request scope: Jersey's
     * {@code ServerRuntime} takes the writer from the request after the response filters have run.
     */
    static HeldResponseWriter hold(JerseyInternals jersey, ContainerRequestContext context) {
        // Jersey's request context is its ContainerRequest: no lookup (each one leaves kilobytes of garbage)
        ContainerRequest request = context instanceof ContainerRequest jerseys ? jerseys
                : jersey.requestInstance(ContainerRequest.class);
        if (request == null || request.getResponseWriter() == null) {
            return null;
        }
        if (request.getResponseWriter() instanceof HeldResponseWriter held) {
            return held;
        }
        HeldResponseWriter held = new HeldResponseWriter(request.getResponseWriter());
        request.setWriter(held);
        return held;
    }

    /** The {@code HeldResponseWriter} of the current request, or {@code null}. Must run inside the request scope. */
    static HeldResponseWriter of(JerseyInternals jersey) {
        ContainerRequest request = jersey.requestInstance(ContainerRequest.class);
        return request != null && request.getResponseWriter() instanceof HeldResponseWriter held ? held : null;
    }
}
