package dev.ssejaxrs.internal.http2;

import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http2.Http2Stream;

import dev.ssejaxrs.internal.grizzly.GrizzlyConnection;

/**
 * The HTTP/2 stream under a Grizzly request: the only class that names Grizzly's HTTP/2 types, loaded only when
 * {@code grizzly-http2} is on the class path (see {@code GrizzlySupport}).
 *
 * <p>Why it exists: when a client cancels one HTTP/2 stream (RST_STREAM), Grizzly neither fails the writes to it
 * nor closes the connection, which still carries the client's other streams; only the {@link Http2Stream}'s
 * {@code isOpen()} shows it. The application's scheduler asks {@link #isOpen()} on every watchdog tick.
 */
public final class GrizzlyHttp2 implements GrizzlyConnection.MultiplexedStream {
    private final Http2Stream stream;

    private GrizzlyHttp2(Http2Stream stream) {
        this.stream = stream;
    }

    /** The HTTP/2 stream that carries {@code request}, or {@code null} when the request came over HTTP/1.x. */
    public static GrizzlyConnection.MultiplexedStream streamOf(Request request) {
        Http2Stream stream = Http2Stream.getStreamFor(request.getRequest());
        return stream == null ? null : new GrizzlyHttp2(stream);
    }

    /** Any thread: a plain read of Grizzly's stream state, asked again on the next tick if stale. */
    @Override
    public boolean isOpen() {
        return stream.isOpen();
    }

    /**
     * Ends this stream only: Grizzly stops writing it and drops what it still holds for it; the connection and its
     * other streams go on.
     */
    @Override
    public void terminate() {
        stream.terminateSilently();
    }

    @Override
    public String toString() {
        return "HTTP/2 stream " + stream.getId();
    }
}
