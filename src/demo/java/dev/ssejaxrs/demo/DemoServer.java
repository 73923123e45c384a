package dev.ssejaxrs.demo;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.sql.SQLException;
import java.time.Duration;

import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http2.Http2AddOn;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpServerFactory;

/**
 * The demo server: every endpoint of the demo contract on Grizzly at 127.0.0.1. Start it with {@code mvn -q -Pdemo}
 * (port from {@code --port N}, the {@code PORT} environment variable, or 8080). Plain HTTP also speaks h2c;
 * {@code --tls} serves HTTPS with HTTP/2 (ALPN) and a self-signed certificate made at start, {@code --tls-keystore
 * FILE --tls-password P} with the given one (see {@link DemoTls}). The todos live in an embedded
 * PostgreSQL started with the server, or in the database named by {@code --postgres JDBC_URL}. With
 * {@code --redis redis://HOST:PORT} the registry keeps its events in Redis, so that several demo processes on one
 * Redis serve the same topics, recipients, ids and replay; with {@code --store postgres} it keeps them in the demo's
 * PostgreSQL (the same for several demo processes given one {@code --postgres JDBC_URL}), and the todos are
 * published in the transaction that inserts them.
 */
public final class DemoServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DemoServer.class.getName());

    private static final Duration FEED_START_LIMIT = Duration.ofSeconds(60);

    private final HttpServer server;
    private final DemoApplication application;
    private final TodoDatabase database;
    private final boolean secure;

    private DemoServer(int port, String postgresUrl, String redisUri, DemoTls tls, boolean storeInPostgres)
            throws IOException {
        secure = tls != null;
        database = openDatabase(postgresUrl);
        try {
            application = new DemoApplication(database, redisUri, storeInPostgres);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
        HttpServer created = null;
        try {
            // Jersey sets the application up while the embedded PostgreSQL starts; the port opens when both are ready
            created = GrizzlyHttpServerFactory.createHttpServer(URI.create("http://127.0.0.1:" + port + "/"),
                    application, secure, secure ? tls.serverConfigurator() : null, false);
            RequestHeadLimit.install(created.getListener("grizzly"));
            // HTTP/2: h2 over TLS (ALPN), h2c on plain HTTP (see README, "HTTP/2")
            created.getListener("grizzly").registerAddOn(new Http2AddOn());
            database.awaitReady(FEED_START_LIMIT);
            created.start();
            if (application.todoFeed() != null && !application.todoFeed().awaitListening(FEED_START_LIMIT)) {
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
        return new DemoServer(port, postgresUrl, null, null, false);
    }

    /** Starts a demo server serving HTTPS (HTTP/2 over ALPN, and HTTP/1.1) with {@code tls}. */
    public static DemoServer start(int port, String postgresUrl, DemoTls tls) throws IOException {
        return new DemoServer(port, postgresUrl, null, tls, false);
    }

    /**
     * Starts a demo server using the PostgreSQL at {@code postgresUrl} ({@code null}: an embedded one), unless
     * {@code redisUri} is {@code null} a registry on that Redis, and unless {@code tls} is {@code null} HTTPS.
     *
     * @throws IllegalArgumentException when {@code redisUri} is not a {@code redis://} or {@code rediss://} URI
     * @throws dev.ssejaxrs.redis.RedisUnavailableException when that Redis cannot be reached
     */
    public static DemoServer start(int port, String postgresUrl, String redisUri, DemoTls tls) throws IOException {
        return new DemoServer(port, postgresUrl, redisUri, tls, false);
    }

    /**
     * Starts a demo server whose registry keeps its events in the demo's PostgreSQL ({@code --store postgres}): the
     * embedded one, or the one at {@code postgresUrl}; several demo processes on one database share topics,
     * recipients, ids and replay.
     *
     * @throws dev.ssejaxrs.postgres.PostgresUnavailableException when that database cannot be reached
     */
    public static DemoServer startOnPostgres(int port, String postgresUrl, DemoTls tls) throws IOException {
        return new DemoServer(port, postgresUrl, null, tls, true);
    }

    /** The server's base URL, ending in a slash. */
    public String url() {
        return (secure ? "https" : "http") + "://127.0.0.1:" + port() + "/";
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
        DemoTls tls = tls(args);
        DemoServer demo = storeInPostgres(args) ? startOnPostgres(port, option(args, "--postgres"), tls)
                : start(port, option(args, "--postgres"), option(args, "--redis"), tls);
        Runtime.getRuntime().addShutdownHook(new Thread(demo::close, "demo-shutdown"));
        LOG.log(Level.INFO, "todos in PostgreSQL at {0}", TodoDatabase.shown(demo.jdbcUrl())); // no credentials
        LOG.log(Level.INFO, "sse-jaxrs demo listening on {0} ({1}; started in {2,number,#} ms; Ctrl+C stops it)",
                demo.url(), tls == null ? "HTTP/1.1 and h2c" : tls.isSelfSigned()
                        ? "HTTP/2 and HTTP/1.1; the certificate is self-signed: the browser warns once"
                        : "HTTP/2 and HTTP/1.1", (System.nanoTime() - started) / 1_000_000);
        Thread.currentThread().join();
    }

    /**
     * Whether {@code --store postgres} was given; {@code --store memory} (the default) and {@code --store redis}
     * (with {@code --redis URI}) keep the registry where {@code --redis} says.
     *
     * @throws IllegalArgumentException for another store, or {@code --store postgres} with {@code --redis}
     */
    static boolean storeInPostgres(String[] args) {
        String store = option(args, "--store");
        if (store == null || store.equals("memory") || store.equals("redis")) {
            if ("redis".equals(store) && option(args, "--redis") == null) {
                throw new IllegalArgumentException("--store redis needs --redis redis://HOST:PORT");
            }
            return false;
        }
        if (!store.equals("postgres")) {
            throw new IllegalArgumentException("--store must be memory, redis or postgres: " + store);
        }
        if (option(args, "--redis") != null) {
            throw new IllegalArgumentException("--store postgres keeps the registry in PostgreSQL: leave out --redis");
        }
        return true;
    }

    /** The TLS of {@code --tls} (self-signed) or {@code --tls-keystore FILE --tls-password P}; {@code null}: none. */
    static DemoTls tls(String[] args) throws IOException {
        String keyStore = option(args, "--tls-keystore");
        if (keyStore != null) {
            return DemoTls.fromKeyStore(java.nio.file.Path.of(keyStore), option(args, "--tls-password"));
        }
        return java.util.Arrays.asList(args).contains("--tls") ? DemoTls.selfSigned() : null;
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
