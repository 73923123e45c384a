package dev.ssejaxrs.testing;

import java.io.IOException;
import java.net.URI;
import java.util.Objects;
import java.util.function.Supplier;

import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.WebTarget;
import jakarta.ws.rs.core.UriBuilder;

import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpServerFactory;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a Jersey application on a real Grizzly server at 127.0.0.1 on a free port for a JUnit 5 test class, with a
 * client to reach it. A {@code static} field gives one server for the whole class; an instance field, one per test.
 *
 * <pre>{@code
 * class NumbersTest {
 *     @RegisterExtension
 *     static final JerseyServerExtension server =
 *             new JerseyServerExtension(() -> new ResourceConfig(NumbersResource.class));
 *
 *     @Test
 *     void streamsNumbers() {
 *         try (OpenEventStream stream = server.openStream("numbers")) {
 *             assertEquals("1", stream.next(Duration.ofSeconds(5)).data());
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>Each extension owns its server and client and nothing is static, so test classes running in one JVM never
 * share a server or a shutdown. Stopping the server ends open event streams (sse-jaxrs shuts them down) without
 * waiting for them. Needs {@code jersey-container-grizzly2-http} on the test class path.
 */
public final class JerseyServerExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private final Supplier<ResourceConfig> application;
    private HttpServer server;
    private Client client;
    private URI baseUri;
    private boolean perClass;

    /** An extension that serves a new application from {@code application} each time it starts a server. */
    public JerseyServerExtension(Supplier<ResourceConfig> application) {
        this.application = Objects.requireNonNull(application, "application");
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        perClass = true;
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        if (!perClass) {
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            stop();
        }
    }

    /** The server's base URI, such as {@code http://127.0.0.1:41234/}. */
    public URI baseUri() {
        requireStarted();
        return baseUri;
    }

    /** A target for {@code path} below the base URI; a query after {@code ?} is kept as a query. */
    public WebTarget target(String path) {
        requireStarted();
        int query = path.indexOf('?');
        UriBuilder uri = UriBuilder.fromUri(baseUri).path(query < 0 ? path : path.substring(0, query));
        if (query >= 0) {
            uri.replaceQuery(path.substring(query + 1));
        }
        return client.target(uri);
    }

    /** Opens the event stream at {@code path} (which may end in a query, as in {@code "numbers?to=3"}). */
    public OpenEventStream openStream(String path) {
        return OpenEventStream.open(target(path));
    }

    /** Opens the event stream at {@code path} as a client reconnecting after {@code lastEventId}. */
    public OpenEventStream openStream(String path, String lastEventId) {
        return OpenEventStream.open(target(path), lastEventId);
    }

    private void start() throws IOException {
        server = GrizzlyHttpServerFactory.createHttpServer(URI.create("http://127.0.0.1:0/"), application.get(),
                false);
        server.start();
        int port = server.getListener("grizzly").getPort();
        baseUri = URI.create("http://127.0.0.1:" + port + "/");
        client = ClientBuilder.newClient();
    }

    private void stop() {
        if (client != null) {
            client.close();
            client = null;
        }
        if (server != null) {
            server.shutdownNow();
            server = null;
        }
    }

    private void requireStarted() {
        if (server == null) {
            throw new IllegalStateException("the server is not running: register the extension with "
                    + "@RegisterExtension on a static field (one server per class) or an instance field");
        }
    }
}
