package dev.ssejaxrs.testing;

import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.WebTarget;
import jakarta.ws.rs.core.Application;
import jakarta.ws.rs.core.UriBuilder;

import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpServerFactory;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that runs a Jersey application on a real Grizzly HTTP server for the tests of one class.
 *
 * <pre>{@code
 * class PricesTest {
 *     @RegisterExtension
 *     static final SseServerExtension server = SseServerExtension.of(() -> new ResourceConfig(PriceResource.class));
 *
 *     @Test
 *     void streamsPrices() {
 *         try (OpenEventStream stream = server.openStream("prices")) {
 *             assertEquals("42", stream.next(Duration.ofSeconds(5)).data());
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>Register it on a <b>static</b> field: the server starts before the first test of the class, on a free port of
 * 127.0.0.1, and stops after the last one (tests that forget to close a stream do not make it hang: open streams are
 * closed and the server is stopped at once). {@code @Nested} classes share their outer class's server. Each instance
 * has its own server, port and client, so test classes never share anything, also when run in parallel.
 *
 * <p>Needs {@code org.glassfish.jersey.containers:jersey-container-grizzly2-http} on the test classpath. A real
 * container is the point: Jersey's in-memory test connector buffers whole responses, so it cannot show that an event
 * arrives while the stream is still open.
 *
 * <p>Threads: JUnit calls the callbacks; {@link #baseUri()}, {@link #target} and {@link #openStream} may be called
 * from any test thread once the server runs.
 */
public final class SseServerExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
    private static final URI ANY_LOCAL_PORT = URI.create("http://127.0.0.1:0/");
    private static final String GRIZZLY_LISTENER = "grizzly"; // the name GrizzlyHttpServerFactory gives it

    private final Supplier<? extends Application> application;
    private volatile Running running;

    /** The server while it runs, and the test container (class) that started it. */
    record Running(String ownerId, HttpServer server, URI baseUri, Client client,
                           Set<OpenEventStream> streams) {
    }

    private SseServerExtension(Supplier<? extends Application> application) {
        this.application = application;
    }

    /**
     * An extension that serves the application {@code application} supplies; it is called once per test class. A
     * {@link ResourceConfig} is used as it is; another {@link Application} is wrapped.
     *
     * @param application supplies the application to serve (not null)
     * @return the extension, for a {@code static} field with {@code @RegisterExtension}
     */
    public static SseServerExtension of(Supplier<? extends Application> application) {
        return new SseServerExtension(Objects.requireNonNull(application, "application"));
    }

    /**
     * The server's base URI, for example {@code http://127.0.0.1:40123/}.
     *
     * @return the base URI, ending in {@code /}
     */
    public URI baseUri() {
        return running().baseUri();
    }

    /**
     * A target for {@code path} below the base URI, from a JAX-RS client this extension owns and closes.
     *
     * @param path the path, relative to the base URI (not null)
     * @return the target
     */
    public WebTarget target(String path) {
        Running r = running();
        return r.client().target(r.baseUri()).path(Objects.requireNonNull(path, "path"));
    }

    /**
     * Opens the event stream at {@code path}; it is closed after the class at the latest.
     *
     * @param path the path, relative to the base URI (not null)
     * @return the open stream
     */
    public OpenEventStream openStream(String path) {
        return track(EventStreamClient.open(target(path)));
    }

    /**
     * Opens the event stream at {@code path}, sending {@code Last-Event-ID: lastEventId}.
     *
     * @param path the path, relative to the base URI (not null)
     * @param lastEventId the last event id (not null)
     * @return the open stream
     */
    public OpenEventStream openStream(String path, String lastEventId) {
        return track(EventStreamClient.open(target(path), lastEventId));
    }

    /**
     * Opens the event stream at {@code path} with extra request headers, which replace the defaults of the same
     * name: an authenticated stream, say.
     *
     * <pre>{@code
     * server.openStream("subscribe/alice", Map.of("Authorization", "Bearer alice-token"))
     * }</pre>
     *
     * @param path the path, relative to the base URI (not null)
     * @param headers request headers to send (name to value), such as {@code Authorization}
     * @return the open stream
     * @throws IllegalArgumentException if a header name is not an HTTP token or a value contains CR, LF or NUL
     */
    public OpenEventStream openStream(String path, Map<String, String> headers) {
        return track(EventStreamClient.open(target(path), headers));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (running == null) { // a @Nested class inherits the extension: it keeps the outer class's server
            running = start(context.getUniqueId());
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (running == null) {
            throw new ExtensionConfigurationException("SseServerExtension must be registered on a static field "
                    + "(@RegisterExtension static final SseServerExtension server = SseServerExtension.of(...)): "
                    + "it runs one server per test class");
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Running r = running;
        if (r != null && r.ownerId().equals(context.getUniqueId())) {
            running = null;
            stop(r);
        }
    }

    Running start(String ownerId) {
        Application app = Objects.requireNonNull(application.get(), "the application supplier returned null");
        ResourceConfig config = app instanceof ResourceConfig rc ? rc : ResourceConfig.forApplication(app);
        HttpServer server = GrizzlyHttpServerFactory.createHttpServer(ANY_LOCAL_PORT, config, false);
        try {
            server.start();
        } catch (java.io.IOException e) {
            server.shutdownNow();
            throw new java.io.UncheckedIOException("could not start the test server", e);
        }
        int port = server.getListener(GRIZZLY_LISTENER).getPort();
        URI baseUri = UriBuilder.fromUri(ANY_LOCAL_PORT).port(port).build();
        return new Running(ownerId, server, baseUri, ClientBuilder.newClient(), ConcurrentHashMap.newKeySet());
    }

    /** Closes what is still open, then stops the server without a grace period, so that open streams cannot hold it. */
    static void stop(Running r) {
        try {
            r.streams().forEach(OpenEventStream::close);
            r.client().close();
        } finally {
            r.server().shutdownNow();
        }
    }

    private OpenEventStream track(OpenEventStream stream) {
        running().streams().add(stream);
        return stream;
    }

    private Running running() {
        Running r = running;
        if (r == null) {
            throw new IllegalStateException("the server is not running: register SseServerExtension on a static "
                    + "field and use it from tests");
        }
        return r;
    }
}
