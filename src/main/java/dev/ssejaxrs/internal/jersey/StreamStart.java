package dev.ssejaxrs.internal.jersey;

import java.lang.reflect.Type;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;

import org.glassfish.jersey.server.CloseableService;

import dev.ssejaxrs.internal.core.EventStreams;
import dev.ssejaxrs.internal.core.StreamConnection;
import dev.ssejaxrs.internal.core.StreamEngine;
import dev.ssejaxrs.internal.core.StreamPump;
import dev.ssejaxrs.stream.CloseReason;
import dev.ssejaxrs.stream.EventStream;

/**
 * The first chunk of an event stream, and the setup that opens the stream at the right moment. The chunk is written
 * through Jersey's chunked output so that Jersey commits the response and hands {@link StreamStartWriter} the
 * response stream.
 *
 * <p>The setup is decided by up to three arrivals, on Jersey's request thread (or the thread of
 * {@link EventStream#sendTo}):
 * <ol>
 * <li>{@link #written}: the writer captured the connection, inside Jersey's write of this chunk. Jersey has already
 *     committed and flushed the response head by then (its {@code commitStream()} flushes before the chunked
 *     output writes its first chunk), so a client may have the head before this runs. Unless the request is a
 *     {@code HEAD} or the client is already gone, the stream subscribes to its publisher here; what the publisher
 *     sends waits in the stream's queue. A broadcast subscription therefore does not rely on this moment: it took
 *     its position when the resource method opened it, and its join replays what was published since.</li>
 * <li>{@link #handedOver}: Jersey's write and flush of this chunk returned (after which only the stream writes).</li>
 * <li>{@link #requestEnded}: Jersey finished processing the request, after it suspended the response (through the
 *     request's {@code CloseableService}). Only from then on may the stream end the response: ending it earlier
 *     (a publisher that completes at once) would let Jersey suspend an ended response, which Grizzly then keeps
 *     open for ever and a servlet container until its async timeout.</li>
 * </ol>
 * Then the stream is {@linkplain StreamPump#activate() activated}; or, when it never subscribed (a {@code HEAD}
 * request, a client already gone, a later response filter that threw so that this chunk was never written, a
 * failed {@code send}), it is discarded: its source is released, its on-close callback runs once and the response
 * is ended. Thread-safety: the arrivals are serialised by this object's monitor; nothing here waits.
 *
 * <p>It implements {@link OutboundSseEvent} only so that {@code SseEventSink.send} accepts it; its fields are empty.
 */
public final class StreamStart implements OutboundSseEvent {
    private static final System.Logger LOG = System.getLogger(StreamStart.class.getName());

    /**
     * The start being sent to an {@code SseEventSink} by this thread, if any: Jersey runs the response filters
     * inside {@code send()} on the calling thread, and the filter takes the stream's status and headers from here.
     * Set and removed around that one call, so nothing outlives it.
     */
    public static final ThreadLocal<StreamStart> SENDING = new ThreadLocal<>();

    final EventStream stream;
    /** Jersey's chunked output that carries this chunk; closing it ends the response. */
    final AutoCloseable output;
    /** {@code true} on the {@code SseEventSink} route, where Jersey ends each chunk with a line feed. */
    final boolean jerseyAddsLineFeed;

    // Guarded by this object's monitor.
    private boolean headRequest;
    private boolean waitsForRequestEnd;
    private boolean writerRan;
    private boolean handedOver;
    private boolean requestEnded;
    private boolean decided;
    private StreamPump pump;
    private CloseReason notOpened = CloseReason.NOT_OPENED;

    public StreamStart(EventStream stream, AutoCloseable output, boolean jerseyAddsLineFeed) {
        this.stream = stream;
        this.output = output;
        this.jerseyAddsLineFeed = jerseyAddsLineFeed;
    }

    /** Called by the response filter: the request is a {@code HEAD}, so the stream must not open. */
    synchronized void headRequest() {
        headRequest = true;
    }

    synchronized boolean isHeadRequest() {
        return headRequest;
    }

    /**
     * Called by the response filter: wait for the end of Jersey's processing of the request before the stream may
     * end the response, or, if this chunk is never written, to discard the stream.
     */
    synchronized void untilRequestEnds(CloseableService requestEnd) {
        waitsForRequestEnd = requestEnd.add(this::requestEnded);
    }

    /**
     * Called by the writer, inside Jersey's write of this chunk: subscribes the stream unless it must not open (a
     * {@code HEAD} request, a client already gone, an application that is stopping).
     */
    void written(StreamEngine runtime, StreamConnection connection, boolean clientGone) {
        StreamPump opened = null;
        synchronized (this) {
            if (writerRan || decided) {
                return;
            }
            writerRan = true;
            if (headRequest) {
                notOpened = CloseReason.NOT_OPENED;
            } else if (clientGone) {
                notOpened = CloseReason.CLIENT_GONE;
            } else {
                opened = runtime.open(EventStreams.source(stream), stream.options(), connection); // subscribes; null when the application is stopping
                pump = opened;
                if (opened == null) {
                    notOpened = CloseReason.SHUTDOWN;
                }
            }
        }
    }

    synchronized boolean isWritten() {
        return writerRan;
    }

    /** Called once Jersey's write and flush of this chunk returned, or failed. */
    public void handedOver() {
        synchronized (this) {
            handedOver = true;
        }
        decide();
    }

    private void requestEnded() {
        synchronized (this) {
            requestEnded = true;
        }
        decide();
    }

    private void decide() {
        StreamPump toActivate;
        synchronized (this) {
            boolean ready = (!waitsForRequestEnd || requestEnded)
                    && (handedOver || (waitsForRequestEnd && !writerRan));
            if (decided || !ready) {
                return;
            }
            decided = true;
            toActivate = pump;
        }
        if (toActivate != null) {
            toActivate.activate();
        } else {
            discard();
        }
    }

    /** The stream never opened: release its source, tell its on-close callback, end the response. */
    private void discard() {
        CloseReason reason;
        synchronized (this) {
            reason = notOpened;
        }
        try {
            EventStreams.source(stream).discard();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the source of an event stream that never opened failed", e);
        }
        try {
            stream.options().onClose().accept(reason);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "the onClose callback of an event stream failed", e);
        } finally {
            BlockingConnection.endOutput(output);
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
