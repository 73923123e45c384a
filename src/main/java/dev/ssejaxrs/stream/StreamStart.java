package dev.ssejaxrs.stream;

import java.lang.reflect.Type;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;

/**
 * The first chunk of an event stream, written through Jersey's chunked output so that Jersey commits the response
 * and hands {@link StreamStartWriter} the response stream. The stream starts pumping after two arrivals: the
 * writer captured the connection, and Jersey finished its own write and flush of this chunk (after which only the
 * stream writes to the connection).
 *
 * <p>It implements {@link OutboundSseEvent} only so that {@code SseEventSink.send} accepts it; its fields are empty.
 */
final class StreamStart implements OutboundSseEvent {
    /**
     * The start being sent to an {@code SseEventSink} by this thread, if any: Jersey runs the response filters
     * inside {@code send()} on the calling thread, and the filter takes the stream's status and headers from here.
     * Set and removed around that one call, so nothing outlives it.
     */
    static final ThreadLocal<StreamStart> SENDING = new ThreadLocal<>();

    final EventStream stream;
    /** Jersey's chunked output that carries this chunk; closing it ends the response. */
    final AutoCloseable output;
    /** {@code true} on the {@code SseEventSink} route, where Jersey ends each chunk with a line feed. */
    final boolean jerseyAddsLineFeed;
    private final AtomicInteger arrivals = new AtomicInteger();
    private volatile SseRuntime runtime;
    private volatile StreamConnection connection;

    StreamStart(EventStream stream, AutoCloseable output, boolean jerseyAddsLineFeed) {
        this.stream = stream;
        this.output = output;
        this.jerseyAddsLineFeed = jerseyAddsLineFeed;
    }

    /** Called by the writer, inside Jersey's flush of this chunk. */
    void written(SseRuntime owner, StreamConnection openConnection) {
        this.runtime = owner;
        this.connection = openConnection;
        arrive();
    }

    boolean isWritten() {
        return connection != null;
    }

    /** Called once Jersey's write and flush of this chunk returned. */
    void handedOver() {
        arrive();
    }

    private void arrive() {
        if (arrivals.incrementAndGet() == 2) {
            runtime.open(stream, connection);
        }
    }

    @Override
    public Class<?> getType() {
        return StreamStart.class;
    }

    @Override
    public Type getGenericType() {
        return StreamStart.class;
    }

    @Override
    public MediaType getMediaType() {
        return MediaType.SERVER_SENT_EVENTS_TYPE;
    }

    @Override
    public Object getData() {
        return null;
    }

    @Override
    public String getId() {
        return null;
    }

    @Override
    public String getName() {
        return null;
    }

    @Override
    public String getComment() {
        return null;
    }

    @Override
    public long getReconnectDelay() {
        return -1;
    }

    @Override
    public boolean isReconnectDelaySet() {
        return false;
    }
}
