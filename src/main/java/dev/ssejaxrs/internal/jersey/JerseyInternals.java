package dev.ssejaxrs.internal.jersey;

import java.lang.System.Logger.Level;
import java.lang.reflect.Type;
import java.util.concurrent.TimeUnit;

import jakarta.ws.rs.core.FeatureContext;

import org.glassfish.jersey.InjectionManagerProvider;
import org.glassfish.jersey.internal.inject.InjectionManager;
import org.glassfish.jersey.server.ContainerRequest;


/**
 * The one place (with the Grizzly adapter's {@code GrizzlyRequests}) that names Jersey's internal API, and the list
 * of the internal behaviours that sse-jaxrs relies on elsewhere. Everything else uses Jakarta REST, Jersey's public
 * API ({@code ChunkedOutput}, {@code ContainerLifecycleListener}) or HK2's public binding API.
 *
 * <p>Checked on Jersey 3.1.0 (the oldest supported, with Grizzly 4.0.0), 3.1.11 (Payara Micro 6.2025.10 and
 * Spring Boot 3.5.16), 3.1.12 (Grizzly 4.0.2, Tomcat 10.1.59), 4.0.0-M2 (Payara Micro 7.2025.1) and 4.0.2 (Grizzly
 * 4.0.2, Tomcat 11.0.27, Spring Boot 4.0.7); each runs in {@code bash .ci/run} (see the README's compatibility
 * table), and the classes compiled against Jersey 3.1.12 and 4.0.2 are byte for byte the same. Should a Jersey
 * release change one of these behaviours, the tests named below fail.
 *
 * <ol>
 * <li><b>{@code InjectionManager} and {@code InjectionManagerProvider}</b>
 *     ({@code org.glassfish.jersey.internal.inject}, here only): the request's container objects are looked up in the request scope while the start chunk is
 *     written: Grizzly's {@code Request}, which {@code GrizzlyHttpContainer} binds (read through the
 *     {@code Ref<Request>} it fills, {@code org.glassfish.jersey.internal.util.collection.Ref}, in {@code GrizzlyRequests}), and the servlet
 *     {@code HttpServletRequest}, which Jersey's servlet container binds. Without them every container falls back to
 *     the generic {@code BlockingConnection}, which works but notices a vanished client only at its next write
 *     ({@code DisconnectAndTimeoutTest}, {@code TomcatIT}).</li>
 * <li><b>{@code AutoDiscoverable}</b> ({@code org.glassfish.jersey.internal.spi}, in {@code EventStreamAutoDiscoverable},
 *     {@code BroadcastAutoDiscoverable} and {@code META-INF/services}): Jersey's documented auto-discovery SPI,
 *     the only way a jar registers itself ({@code RegistrationTest}, the WAR and Spring Boot tests).</li>
 * <li><b>Binding with HK2's {@code AbstractBinder}</b> ({@code EventStreamFeature}, {@code BroadcastFeature}): public HK2
 *     API that Jersey's {@code jersey-hk2} accepts from a feature on both lines; Jersey 4 removed its own
 *     {@code internal.inject.AbstractBinder}. Jersey would need another binding the day it drops HK2.</li>
 * <li><b>{@code ChunkedOutput.flushQueue()}</b> (overridden in {@code EventStreamOutput}): it writes the queued
 *     chunks through the response's writer on the committing thread, so when it returns the start chunk has been
 *     written and flushed; only then does the stream start writing ({@code LifecycleTest}, every stream test).</li>
 * <li><b>{@code ServerRuntime}'s order</b> for a {@code ChunkedOutput} entity: it commits the response (status and
 *     headers through the response filters), then sets the output's context and suspends, then flushes the queue,
 *     so {@code StreamStartWriter} runs inside the request scope with the committed response stream
 *     ({@code FramingAndHeadersTest}). The stream starts before Jersey suspends the request, and Jersey's servlet
 *     container completes only a request it has suspended, so on a servlet container {@link #suspendResponse()}
 *     suspends it first, as Jersey would next ({@code ServletContainerContract.shortStreams_alwaysEnd},
 *     {@code SpringBootIT}).</li>
 * <li><b>The {@code SseEventSink}'s line feed</b>: Jersey's sink ends each chunk with {@code "\n"}; the start chunk
 *     makes that an empty comment line ({@code StreamStartWriter}, {@code FramingAndHeadersTest}).</li>
 * <li><b>Jersey's servlet container takes an asynchronous cycle that is already started</b> ({@code ServletSupport}
 *     starts it inside the writer, before Jersey would, so that its listener is in place first): {@code TomcatIT},
 *     {@code PayaraIT} and the Spring Boot test.</li>
 * <li><b>The response writer is taken from the request after the response filters</b>: on Grizzly the filter wraps
 *     it in a {@code HeldResponseWriter} ({@code ContainerRequest.setWriter}, public API), so that once the stream
 *     runs Jersey can finish the request (closing its chunked output, releasing the request scope) while the
 *     response goes on; Jersey's {@code ServerRuntime} reads the writer in {@code writeResponse}, after the
 *     filters ({@code StreamSetupTest}, {@code FramingAndHeadersTest}, every Grizzly stream test).</li>
 * <li><b>Grizzly's graceful shutdown</b> ({@code GracefulShutdownListener} on the transport, in
 *     {@code GrizzlySupport}): public Grizzly API; {@code ShutdownTest}.</li>
 * </ol>
 *
 * <p>Thread-safe: immutable after construction.
 */
public final class JerseyInternals {
    private static final System.Logger LOG = System.getLogger(JerseyInternals.class.getName());

    /** {@code null} where the feature context has none (a Jersey client, say): container connections are off. */
    private final InjectionManager injectionManager;

    private JerseyInternals(InjectionManager injectionManager) {
        this.injectionManager = injectionManager;
    }

    /** Access to the application's injection manager, taken while its features are configured. */
    public static JerseyInternals of(FeatureContext context) {
        try {
            return new JerseyInternals(InjectionManagerProvider.getInjectionManager(context));
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "no injection manager: container-specific connections are off", e);
            return new JerseyInternals(null);
        }
    }

    /**
     * Suspends the current request's response writer with no timeout, which is what Jersey's {@code ServerRuntime}
     * does right after it has written a chunked output's first chunk (Jersey's own call then does nothing). Must run
     * inside Jersey's request scope, on the request thread.
     */
    public void suspendResponse() {
        ContainerRequest request = requestInstance(ContainerRequest.class);
        if (request == null) {
            return;
        }
        try {
            request.getResponseWriter().suspend(0, TimeUnit.SECONDS, null);
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "suspending the response failed; Jersey suspends it itself", e);
        }
    }

    /**
     * The instance of {@code type} that the container bound for the current request, or {@code null} when there is
     * none (not this container, or outside a request). Must run inside Jersey's request scope.
     */
    public <T> T requestInstance(Class<T> type) {
        if (injectionManager == null) {
            return null;
        }
        try {
            return injectionManager.getInstance(type);
        } catch (RuntimeException notBound) {
            LOG.log(Level.TRACE, "no {0} in this request", type.getName());
            return null;
        }
    }

    /**
     * The instance of the generic {@code type} that the container bound for the current request, or {@code null}.
     * Must run inside Jersey's request scope.
     */
    public Object requestInstance(Type type) {
        if (injectionManager == null) {
            return null;
        }
        try {
            return injectionManager.getInstance(type);
        } catch (RuntimeException notBound) {
            LOG.log(Level.TRACE, "no {0} in this request", type.getTypeName());
            return null;
        }
    }
}
