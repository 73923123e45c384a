package dev.ssejaxrs.demo;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;

import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpServerFactory;

/**
 * The demo server: every endpoint of the demo contract on Grizzly at 127.0.0.1. Start it with {@code mvn -q -Pdemo}
 * (port from {@code --port N}, the {@code PORT} environment variable, or 8080).
 */
public final class DemoServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DemoServer.class.getName());

    private final HttpServer server;
    private final DemoApplication application;

    private DemoServer(int port) throws IOException {
        application = new DemoApplication();
        server = GrizzlyHttpServerFactory.createHttpServer(URI.create("http://127.0.0.1:" + port + "/"),
                application, false, null, false);
        RequestHeadLimit.install(server.getListener("grizzly"));
        server.start();
    }

    /** Starts a demo server; port 0 picks a free port. */
    public static DemoServer start(int port) throws IOException {
        return new DemoServer(port);
    }

    /** The port the server listens on. */
    public int port() {
        return server.getListener("grizzly").getPort();
    }

    /** Stops the server: open streams end (the library's shutdown), then the demo's clock stops. */
    @Override
    public void close() {
        server.shutdownNow();
        application.close();
    }

    public static void main(String[] args) throws Exception {
        int port = port(args);
        DemoServer demo = start(port);
        Runtime.getRuntime().addShutdownHook(new Thread(demo::close, "demo-shutdown"));
        LOG.log(Level.INFO, "sse-jaxrs demo listening on http://127.0.0.1:{0,number,#}/ (Ctrl+C stops it)",
                demo.port());
        Thread.currentThread().join();
    }

    static int port(String[] args) {
        String value = System.getenv("PORT");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--port") && i + 1 < args.length) {
                value = args[i + 1];
            } else if (args[i].startsWith("--port=")) {
                value = args[i].substring("--port=".length());
            }
        }
        if (value == null || value.isBlank()) {
            return 8080;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port must be a number from 0 to 65535: " + value);
        }
    }
}
