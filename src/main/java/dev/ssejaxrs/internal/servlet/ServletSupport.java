package dev.ssejaxrs.internal.servlet;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.ssejaxrs.internal.core.StreamConnection;
import dev.ssejaxrs.internal.jersey.JerseyInternals;

/**
 * Servlet-specific help, loaded only when the Servlet API is on the class path: makes a {@link ServletConnection}
 * for a request that Jersey's servlet container serves.
 */
public final class ServletSupport {
    private static final System.Logger LOG = System.getLogger(ServletSupport.class.getName());

    private ServletSupport() {
    }

    /** The client's address of the current request, or {@code null} when it did not come through a servlet. */
    public static String remoteAddress(JerseyInternals jersey) {
        HttpServletRequest request = jersey.requestInstance(HttpServletRequest.class);
        return request == null ? null : request.getRemoteAddr();
    }

    /**
     * A servlet connection for the current request, or {@code null} when the request did not come through a
     * servlet. When the request cannot go asynchronous, the connection is ended from the start.
     *
     * <p>Must run inside Jersey's request scope, on the thread that serves the request: it starts the asynchronous
     * cycle that Jersey would start right after (Jersey then finds it started and uses it), so that the connection's
     * listener is registered before the container could end the request.
     */
    public static StreamConnection connect(JerseyInternals jersey, OutputStream out, AutoCloseable response) {
        HttpServletRequest request = jersey.requestInstance(HttpServletRequest.class);
        if (request == null) {
            return null;
        }
        ServletOutputStream servletOut = null;
        try {
            HttpServletResponse servletResponse = jersey.requestInstance(HttpServletResponse.class);
            servletOut = servletResponse == null ? null : servletResponse.getOutputStream();
        } catch (RuntimeException | IOException e) {
            LOG.log(Level.DEBUG, "no servlet output stream: writes may wait for the client", e);
        }
        ServletConnection connection = new ServletConnection(out, response, servletOut);
        try {
            AsyncContext async = request.isAsyncStarted() ? request.getAsyncContext() : request.startAsync();
            async.addListener(connection);
            // Jersey suspends the request only after the stream has started, and completes only a request it has
            // suspended: a stream that ends in between (a short one, on a busy machine) would leave the response
            // open. Suspending now does what Jersey does then, and makes Jersey's own call a no-op.
            jersey.suspendResponse();
        } catch (IllegalStateException notAsync) {
            // The container ends the response when the request's service() returns: writing after that would land
            // in a recycled response, so the stream ends at its first write instead.
            LOG.log(Level.WARNING, "an event stream needs an asynchronous servlet request: set async-supported on "
                    + "the Jersey servlet and on every filter in front of it (" + notAsync.getMessage() + ")");
            connection.endedByContainer();
        }
        return connection;
    }
}
