package dev.ssejaxrs.demo;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.sql.SQLException;
import java.time.Duration;

import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpServerFactory;

/**
 * The demo server: every endpoint of the demo contract on Grizzly at 127.0.0.1. Start it with {@code mvn -q -Pdemo}
 * (port from {@code --port N}, the {@code PORT} environment variable, or 8080). The todos live in an embedded
 * PostgreSQL started with the server, or in the database named by {@code --postgres JDBC_URL}. With
 * {@code --redis redis://HOST:PORT} the registry keeps its events in Redis, so that several demo processes on one
 * Redis serve the same topics, recipients, ids and replay.
 */
public final class DemoServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DemoServer.class.getName());

    private static final Duration FEED_START_LIMIT = Duration.ofSeconds(60);

    private final HttpServer server;
    private final DemoApplication application;
    private final TodoDatabase database;

    private DemoServer(int port, String postgresUrl, String redisUri) throws IOException {
        database = openDatabase(postgresUrl);
        try {
            application = new DemoApplication(database, redisUri);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
        HttpServer created = null;
        try {
            // Jersey sets the application up while the embedded PostgreSQL starts; the port opens when both are ready
            created = GrizzlyHttpServerFactory.createHttpServer(URI.create("http://127.0.0.1:" + port + "/"),
                    application, false, null, false);
            RequestHeadLimit.install(created.getListener("grizzly"));
            database.awaitReady(FEED_START_LIMIT);
            created.start();
            if (!application.todoFeed().awaitListening(FEED_START_LIMIT)) {
                LOG.log(Level.WARNING, "the todos change feed does not listen yet; it keeps trying");
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            if (created != null) {
                created.shutdownNow();
            }
            application.close();
            database.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while starting", e);
            }
            if (e instanceof IOException io) {
                throw io;
            }
            throw (RuntimeException) e;
        }
        server = created;
    }

    /** Starts a demo server with an embedded PostgreSQL; port 0 picks a free port. */
    public static DemoServer start(int port) throws IOException {
        return start(port, null);
    }

    /** Starts a demo server using the PostgreSQL at {@code postgresUrl} ({@code null}: an embedded one). */
    public static DemoServer start(int port, String postgresUrl) throws IOException {
        return start(port, postgresUrl, null);
    }

    /**
     * Starts a demo server using the PostgreSQL at {@code postgresUrl} ({@code null}: an embedded one) and, unless
     * {@code redisUri} is {@code null}, a registry on that Redis.
     *
     * @throws IllegalArgumentException when {@code redisUri} is not a {@code redis://} or {@code rediss://} URI
     * @throws dev.ssejaxrs.redis.RedisUnavailableException when that Redis cannot be reached
     */
    public static DemoServer start(int port, String postgresUrl, String redisUri) throws IOException {
        return new DemoServer(port, postgresUrl, redisUri);
    }

    private static TodoDatabase openDatabase(String postgresUrl) throws IOException {
        try {
            return postgresUrl == null ? TodoDatabase.embedded() : TodoDatabase.at(postgresUrl);
        } catch (SQLException e) {
            throw new IOException("cannot use the database: " + e.getMessage(), e);
        }
    }

    /** The JDBC URL of the demo's database (the embedded one unless {@code --postgres} named another). */
    public String jdbcUrl() throws IOException {
        return database.jdbcUrl();
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
        database.close();
    }

    public static void main(String[] args) throws Exception {
        long started = System.nanoTime();
        int port = port(args);
        DemoServer demo = start(port, option(args, "--postgres"), option(args, "--redis"));
        Runtime.getRuntime().addShutdownHook(new Thread(demo::close, "demo-shutdown"));
        LOG.log(Level.INFO, "todos in PostgreSQL at {0}", demo.jdbcUrl());
        LOG.log(Level.INFO, "sse-jaxrs demo listening on http://127.0.0.1:{0,number,#}/ (started in {1,number,#} ms;"
                + " Ctrl+C stops it)", demo.port(), (System.nanoTime() - started) / 1_000_000);
        Thread.currentThread().join();
    }

    /** The value of {@code --name VALUE} or {@code --name=VALUE}, or {@code null}. */
    static String option(String[] args, String name) {
        String value = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(name) && i + 1 < args.length) {
                value = args[i + 1];
            } else if (args[i].startsWith(name + "=")) {
                value = args[i].substring(name.length() + 1);
            }
        }
        return value;
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
