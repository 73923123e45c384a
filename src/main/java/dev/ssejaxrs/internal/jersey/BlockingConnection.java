package dev.ssejaxrs.internal.jersey;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;

import org.glassfish.jersey.server.ChunkedOutput;

import dev.ssejaxrs.internal.core.StreamConnection;

/**
 * A stream's connection on any Jersey container: blocking writes to the response stream, ended by closing
 * Jersey's chunked output. Such a container cannot report writability or an idle disconnect, so a client that
 * leaves is noticed by the next failed write (a ping at the latest) and a frozen one by the send timeout.
 */
public class BlockingConnection implements StreamConnection {
    private static final System.Logger LOG = System.getLogger(BlockingConnection.class.getName());

    private final OutputStream out;
    private final AutoCloseable response;

    public BlockingConnection(OutputStream out, AutoCloseable response) {
        this.out = out;
        this.response = response;
    }

    @Override
    public void startStreaming() {
        // nothing to prepare: writes block
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        out.write(bytes, offset, length);
    }

    @Override
    public void writeShared(byte[] bytes, int offset, int length) throws IOException {
        write(bytes, offset, length);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public boolean isReady() {
        return true;
    }

    @Override
    public void whenReady(Runnable task) {
        task.run();
    }

    @Override
    public boolean isClientGone() {
        return false;
    }

    @Override
    public void onClientGone(Runnable task) {
        // not observable without a write on a generic container
    }

    @Override
    public void end() {
        endOutput(response);
    }

    /**
     * Closes Jersey's chunked output, which ends the response, unless Jersey closed it already (after a failed
     * write): closing it twice would release Jersey's request scope twice.
     */
    public static void endOutput(AutoCloseable output) {
        if (output instanceof ChunkedOutput<?> chunked && chunked.isClosed()) {
            return;
        }
        try {
            output.close();
        } catch (Exception e) {
            LOG.log(Level.DEBUG, "ending an event stream response failed (the client is gone)", e);
        }
    }

    @Override
    public void abort() {
        end();
    }
}
