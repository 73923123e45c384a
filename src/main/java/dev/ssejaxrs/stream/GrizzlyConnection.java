package dev.ssejaxrs.stream;

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

/**
 * A stream's connection on Grizzly: writes never wait for the client, because the stream writes only after
 * {@link OutputBuffer#canWrite()} and is called back when the connection drains; a client that closes its
 * connection is noticed at once through a close listener, even on an idle stream (the connection is read again
 * while the response streams, so the end of input shows).
 *
 * <p>Over HTTP/2 the connection carries other streams too: a client that cancels this stream only (RST_STREAM)
 * leaves the connection open and Grizzly's writes succeeding, so {@link #isClientGone()} also asks the
 * {@link MultiplexedStream}, which the application's scheduler does on every watchdog tick; and {@link #abort()}
 * ends this stream, never the shared connection.
 */
final class GrizzlyConnection extends JerseyConnection {
    private static final System.Logger LOG = System.getLogger(GrizzlyConnection.class.getName());
    private final OutputBuffer buffer;
    private final Connection<?> connection;
    /** The HTTP/2 stream of this response, or {@code null} over HTTP/1.x. */
    private final MultiplexedStream multiplexed;
    private volatile CloseListener<Closeable, ICloseType> closeListener;

    GrizzlyConnection(OutputStream out, AutoCloseable response, Request request, MultiplexedStream multiplexed) {
        super(out, response);
        this.buffer = request.getResponse().getOutputBuffer();
        this.connection = request.getContext().getConnection();
        this.multiplexed = multiplexed;
    }

    /** One stream of a multiplexed (HTTP/2) connection, without naming Grizzly's HTTP/2 types. */
    interface MultiplexedStream {
        /** Whether the stream is still open: {@code false} once the client reset it or it ended. */
        boolean isOpen();

        /** Ends this stream only, leaving the connection and its other streams alone. */
        void terminate();
    }

    Connection<?> grizzlyConnection() {
        return connection;
    }

    // Once the head is sent, Jersey's layers over Grizzly's output only pass bytes on: write to Grizzly directly.

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        buffer.write(bytes, offset, length);
    }

    @Override
    public void writeShared(byte[] bytes, int offset, int length) throws IOException {
        buffer.writeByteBuffer(ByteBuffer.wrap(bytes, offset, length)); // sent from the array itself: no copy
    }

    @Override
    public boolean keepsSharedBytes() {
        return true;
    }

    @Override
    public void flush() throws IOException {
        buffer.flush();
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
        super.end();
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
