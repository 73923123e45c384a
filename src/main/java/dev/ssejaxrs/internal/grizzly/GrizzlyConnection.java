package dev.ssejaxrs.internal.grizzly;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

import org.glassfish.grizzly.CloseListener;
import org.glassfish.grizzly.Closeable;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.ICloseType;
import org.glassfish.grizzly.IOEvent;
import org.glassfish.grizzly.WriteHandler;
import org.glassfish.grizzly.http.io.OutputBuffer;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

import dev.ssejaxrs.internal.core.StreamConnection;
import dev.ssejaxrs.internal.jersey.BlockingConnection;

/**
 * A stream's connection on Grizzly: writes never wait for the client, because the stream writes only after
 * {@link OutputBuffer#canWrite()} and is called back when the connection drains; a client that closes its
 * connection is noticed at once through a close listener, even on an idle stream (the connection is read again
 * while the response streams, so the end of input shows).
 *
 * <p>Once the stream runs, Jersey lets go of the request: with the response writer held (see
 * {@link HeldResponseWriter}) the stream closes Jersey's chunked output at {@link #startStreaming()}, which ends
 * Jersey's processing and releases its request scope, while the response goes on; the stream writes to Grizzly's
 * response stream directly and ends the response itself. An idle stream then keeps Grizzly's request and response,
 * not Jersey's. Without a held writer (a {@code HEAD} request, or a request Jersey has not suspended) Jersey ends
 * the response when the stream closes its chunked output, as on any container.
 *
 * <p>Over HTTP/2 the connection carries other streams too: a client that cancels this stream only (RST_STREAM)
 * leaves the connection open and Grizzly's writes succeeding, so {@link #isClientGone()} also asks the
 * {@link MultiplexedStream}, which the application's scheduler does on every watchdog tick; and {@link #abort()}
 * ends this stream, never the shared connection.
 */
public final class GrizzlyConnection implements StreamConnection {
    private static final System.Logger LOG = System.getLogger(GrizzlyConnection.class.getName());
    private final OutputBuffer buffer;
    private final Response response;
    private final Connection<?> connection;
    /** The HTTP/2 stream of this response, or {@code null} over HTTP/1.x. */
    private final MultiplexedStream multiplexed;
    /** Where the stream writes: Grizzly's response stream when the writer is held, else Jersey's. */
    private final OutputStream out;
    /** The held response writer, or {@code null}: then Jersey ends the response. */
    private final HeldResponseWriter held;
    /** Jersey's chunked output, until Jersey has let go of the request ({@code null} after). */
    private volatile AutoCloseable jerseyOutput;
    private volatile CloseListener<Closeable, ICloseType> closeListener;

    GrizzlyConnection(OutputStream jerseyStream, AutoCloseable jerseyOutput, HeldResponseWriter held, Request request,
            MultiplexedStream multiplexed) {
        this.response = request.getResponse();
        this.buffer = response.getOutputBuffer();
        this.connection = request.getContext().getConnection();
        this.multiplexed = multiplexed;
        OutputStream containerStream = held == null ? null : held.containerStream();
        this.held = containerStream == null ? null : held;
        this.out = containerStream == null ? jerseyStream : containerStream;
        this.jerseyOutput = jerseyOutput;
    }

    /** One stream of a multiplexed (HTTP/2) connection, without naming Grizzly's HTTP/2 types. */
    public interface MultiplexedStream {
        /** Whether the stream is still open: {@code false} once the client reset it or it ended. */
        boolean isOpen();

        /** Ends this stream only, leaving the connection and its other streams alone. */
        void terminate();
    }

    Connection<?> grizzlyConnection() {
        return connection;
    }

    /**
     * Lets Jersey finish the request now, if the response writer is held and Jersey has suspended the response
     * (so it is done with it): closing Jersey's chunked output then ends Jersey's processing, not the response.
     */
    @Override
    public void startStreaming() {
        AutoCloseable output = jerseyOutput;
        if (held != null && output != null && response.isSuspended()) {
            held.takeOver();
            jerseyOutput = null;
            BlockingConnection.endOutput(output);
            ParameterScratch.release(response.getRequest()); // Jersey is done with the request: 4 KB less per stream
        }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        out.write(bytes, offset, length);
    }

    @Override
    public void writeShared(byte[] bytes, int offset, int length) throws IOException {
        if (held != null) {
            buffer.writeByteBuffer(ByteBuffer.wrap(bytes, offset, length)); // sent from the array itself: no copy
        } else {
            out.write(bytes, offset, length);
        }
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public boolean isReady() {
        return buffer.canWrite();
    }

    @Override
    public boolean isClientGone() {
        return !connection.isOpen() || multiplexed != null && !multiplexed.isOpen();
    }

    @Override
    public void whenReady(Runnable task) {
        buffer.notifyCanWrite(new WriteHandler() {
            @Override
            public void onWritePossible() {
                task.run();
            }

            @Override
            public void onError(Throwable t) {
                task.run(); // the next write fails and ends the stream
            }
        });
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void onClientGone(Runnable task) {
        CloseListener<Closeable, ICloseType> listener = (closeable, type) -> task.run();
        closeListener = listener;
        ((Connection) connection).addCloseListener(listener);
        if (multiplexed != null) {
            // HTTP/2 reads the connection all along; a reset of this stream alone shows in isClientGone()
            if (!connection.isOpen()) {
                task.run();
            }
            return;
        }
        try {
            // A suspended request leaves the connection's read interest off, so Grizzly would not see the client
            // close an idle stream; reading again lets it notice the end of input at once.
            connection.enableIOEvent(IOEvent.READ);
        } catch (IOException e) {
            task.run();
            return;
        }
        if (!connection.isOpen()) {
            task.run();
        }
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void end() {
        CloseListener<Closeable, ICloseType> listener = closeListener;
        if (listener != null) {
            ((Connection) connection).removeCloseListener(listener); // the connection may serve other requests
        }
        if (multiplexed == null && connection.isOpen()) {
            // Stop reading before the response ends: onClientGone turned reading on while the request is suspended,
            // and a keep-alive client sends its next request the moment the last chunk arrives. Read now, that
            // request would reach Grizzly before it has finished this response (an empty or lost answer); Grizzly
            // turns reading on again itself once the response is complete.
            try {
                connection.disableIOEvent(IOEvent.READ);
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "the connection is closed already", e);
            }
        }
        AutoCloseable output = jerseyOutput;
        if (output != null) {
            BlockingConnection.endOutput(output);
        } else {
            held.end();
        }
    }

    @Override
    public void abort() {
        if (multiplexed != null) {
            multiplexed.terminate();
        } else {
            connection.closeSilently();
        }
    }
}
