package dev.ssejaxrs.internal.grizzly;

import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.ws.rs.container.ContainerRequestContext;

import org.glassfish.grizzly.GracefulShutdownListener;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.ShutdownContext;
import org.glassfish.grizzly.Transport;
import org.glassfish.grizzly.http.Protocol;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.memory.MemoryManager;
import org.glassfish.grizzly.memory.ThreadLocalPoolProvider;
import org.glassfish.grizzly.threadpool.DefaultWorkerThread;

import dev.ssejaxrs.internal.core.ClassPresence;
import dev.ssejaxrs.internal.core.StreamConnection;
import dev.ssejaxrs.internal.core.StreamEngine;
import dev.ssejaxrs.internal.http2.GrizzlyHttp2;
import dev.ssejaxrs.internal.jersey.JerseyInternals;

/**
 * Grizzly-specific help for one application, loaded only when Grizzly's HTTP server is on the classpath: makes
 * {@link GrizzlyConnection}s (over HTTP/2 with the request's stream, through {@link GrizzlyHttp2}, when
 * {@code grizzly-http2} is on the class path), and joins each Grizzly transport's graceful shutdown so that
 * {@code HttpServer.shutdown(grace)} ends the open streams instead of waiting for them.
 */
public final class GrizzlySupport {
    private static final System.Logger LOG = System.getLogger(GrizzlySupport.class.getName());

    private static final String HTTP2_STREAM = "org.glassfish.grizzly.http2.Http2Stream";
    /**
     * The response buffer of an event stream: Grizzly's least. The stream writes each batch once and flushes it, so
     * a larger buffer batches nothing; a larger write goes out from the stream's own bytes.
     */
    private static final int WRITE_BUFFER_BYTES = 512;

    private final StreamEngine runtime;
    private final Set<Transport> joinedTransports = ConcurrentHashMap.newKeySet();
    /** Whether grizzly-http2 is on the class path, so that {@link GrizzlyHttp2} can load. */
    private final boolean http2;

    public GrizzlySupport(StreamEngine runtime) {
        this.runtime = runtime;
        this.http2 = ClassPresence.present(HTTP2_STREAM);
        runtime.writerThreadKind(GrizzlySupport::workerThread);
    }

    /**
     * A writer thread of Grizzly's own kind, as Grizzly's worker pool makes them: a Grizzly write on any other
     * thread allocates a fresh heap buffer and fresh per-thread caches each time (the largest single cost in a JFR
     * profile of a broadcast to 1,000 streams).
     */
    private static Thread workerThread(Runnable task, String name) {
        MemoryManager memory = MemoryManager.DEFAULT_MEMORY_MANAGER;
        return new DefaultWorkerThread(Grizzly.DEFAULT_ATTRIBUTE_BUILDER, name,
                memory instanceof ThreadLocalPoolProvider pools ? pools.createThreadLocalPool() : null, task);
    }

    /**
     * Before Jersey commits an event-stream response: makes its write buffer small, holds the response writer if
     * asked (see {@link HeldResponseWriter}),
     * and to an HTTP/1.0 request answers in HTTP/1.0, whose body ends when the connection closes. An HTTP/1.0
     * client does not know chunked framing (RFC 9112, section 6.1), but Grizzly marks every HTTP/1.1 response of
     * unknown length chunked, whatever the request's version.
     */
    public void beforeCommit(JerseyInternals jersey, ContainerRequestContext context, boolean holdWriter) {
        Request request = GrizzlyRequests.current(jersey);
        if (request == null) {
            return;
        }
        // Grizzly copies a write smaller than the response's buffer into a new buffer of that size (a pooled one only
        // on its own threads): with its default, every ping of every idle stream would cost a fresh 16 KB.
        request.getResponse().setBufferSize(WRITE_BUFFER_BYTES);
        if (request.getProtocol().compareTo(Protocol.HTTP_1_1) < 0) {
            request.getResponse().getResponse().setProtocol(Protocol.HTTP_1_0);
        }
        if (holdWriter) {
            HeldResponseWriter.hold(jersey, context); // lets Jersey let go of the request once the stream runs
        }
    }

    /** The client's address of the current request, or {@code null} when it did not come from Grizzly. */
    public static String remoteAddress(JerseyInternals jersey) {
        Request request = GrizzlyRequests.current(jersey);
        return request == null ? null : request.getRemoteAddr();
    }

    /** A Grizzly connection for the current request, or {@code null} when the request did not come from Grizzly. */
    public StreamConnection connect(JerseyInternals jersey, OutputStream out, AutoCloseable response) {
        Request request = GrizzlyRequests.current(jersey);
        if (request == null) {
            return null;
        }
        GrizzlyConnection connection = new GrizzlyConnection(out, response, HeldResponseWriter.of(jersey), request,
                http2 ? GrizzlyHttp2.streamOf(request) : null);
        Transport transport = connection.grizzlyConnection().getTransport();
        if (joinedTransports.add(transport)) {
            transport.addShutdownListener(new GracefulShutdownListener() {
                @Override
                public void shutdownRequested(ShutdownContext context) {
                    Thread stopper = new Thread(() -> {
                        try {
                            runtime.shutdown();
                        } finally {
                            context.ready();
                        }
                    }, "sse-jaxrs-shutdown");
                    stopper.setDaemon(true);
                    stopper.start();
                }

                @Override
                public void shutdownForced() {
                    runtime.shutdown();
                }
            });
            LOG.log(Level.DEBUG, "joined the graceful shutdown of {0}", transport);
        }
        return connection;
    }
}
