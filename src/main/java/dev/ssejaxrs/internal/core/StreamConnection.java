package dev.ssejaxrs.internal.core;

import java.io.IOException;

/**
 * The container side of one open event stream: where the bytes go and how the container reports writability and
 * disconnects. Only the stream's drain task writes, flushes and ends; {@link #abort()} and the registration methods
 * may be called from any thread.
 */
public interface StreamConnection {

    /** Called once, when the stream starts to run (Jersey has written the head and let go of the response). */
    void startStreaming();

    /** Writes bytes (a whole batch of events); only called after {@link #isReady()} answered {@code true}. */
    void write(byte[] bytes, int offset, int length) throws IOException;

    /**
     * Writes bytes that never change once made (an event's encoding, shared by every stream it goes to): a connection
     * may send them from the array itself, without a copy, as Grizzly's does; the others write them as any bytes.
     */
    void writeShared(byte[] bytes, int offset, int length) throws IOException;

    /** Sends what was written to the client. */
    void flush() throws IOException;

    /** Whether a write and a flush now complete without waiting for the client. */
    boolean isReady();

    /** Runs {@code task} once, when {@link #isReady()} would answer {@code true} again (or the connection failed). */
    void whenReady(Runnable task);

    /** Whether the container already knows that the client is gone (before anything was written). */
    boolean isClientGone();

    /** Runs {@code task} when the client closes the connection, if the container can tell while idle. */
    void onClientGone(Runnable task);

    /** Ends the response: a clean end (terminating chunk) when the connection is healthy; releases the request. */
    void end();

    /** Drops the connection now, unblocking a write that waits for a client that does not read. */
    void abort();
}
