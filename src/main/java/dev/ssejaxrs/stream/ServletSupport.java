package dev.ssejaxrs.stream;

import java.io.OutputStream;
import java.lang.System.Logger.Level;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;

import org.glassfish.jersey.internal.inject.InjectionManager;

/**
 * Servlet-specific help, loaded only when the Servlet API is on the class path: makes a {@link ServletConnection}
 * for a request that Jersey's servlet container serves.
 */
final class ServletSupport {
    private static final System.Logger LOG = System.getLogger(ServletSupport.class.getName());

    private ServletSupport() {
    }

    /**
     * A servlet connection for the current request, or {@code null} when the request did not come through a
     * servlet or cannot go asynchronous here. Must run inside Jersey's request scope, on the thread that serves the
     * request: it starts the asynchronous cycle that Jersey would start right after (Jersey then finds it started
     * and uses it) so that the connection's listener is registered before the container could end the request.
     */
    static StreamConnection connect(InjectionManager injectionManager, OutputStream out, AutoCloseable response) {
        HttpServletRequest request;
        try {
            request = injectionManager.getInstance(HttpServletRequest.class);
            if (request == null) {
                return null;
            }
            AsyncContext async = request.isAsyncStarted() ? request.getAsyncContext() : request.startAsync();
            ServletConnection connection = new ServletConnection(out, response);
            async.addListener(connection);
            return connection;
        } catch (RuntimeException notServletOrNotAsync) {
            LOG.log(Level.DEBUG, "no servlet connection for this request; writes are not guarded", notServletOrNotAsync);
            return null;
        }
    }
}
