package dev.ssejaxrs.internal.jersey;

import java.io.IOException;

import org.glassfish.jersey.server.ChunkedOutput;

import dev.ssejaxrs.stream.EventStream;

/**
 * The response entity that replaces a returned {@link EventStream}: Jersey keeps a response open while its entity
 * is a {@link ChunkedOutput}. It carries only the {@link StreamStart} chunk (with no delimiter after it); the
 * stream then writes to the connection directly and closes this output at its end.
 */
public final class EventStreamOutput extends ChunkedOutput<Object> {
    private final StreamStart start;
    private boolean handedOver;

    EventStreamOutput(EventStream stream) {
        super(Object.class, new byte[0]);
        this.start = new StreamStart(stream, this, false);
    }

    StreamStart start() {
        return start;
    }

    /** Queues the start chunk; Jersey writes it when the response is committed. */
    void begin() throws IOException {
        write(start);
    }

    /**
     * For a {@code HEAD} request: no chunk, and closed before Jersey writes the response, so that Jersey sends the
     * head and ends the response at once instead of suspending it.
     */
    void headOnly() throws IOException {
        start.headRequest();
        close();
        start.handedOver(); // nothing to hand over: the stream is discarded once Jersey is done with the request
    }

    @Override
    protected void flushQueue() throws IOException {
        try {
            super.flushQueue();
        } finally {
            boolean first;
            synchronized (this) {
                first = !handedOver && start.isWritten();
                handedOver |= first;
            }
            if (first) {
                start.handedOver(); // also when the flush failed: the stream then finds the client gone
            }
        }
    }
}
