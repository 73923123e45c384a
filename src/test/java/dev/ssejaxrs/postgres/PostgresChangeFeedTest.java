package dev.ssejaxrs.postgres;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.BroadcastFeature;
import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.broadcast.RegistryOptions;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.stream.EventStream;
import dev.ssejaxrs.test.RawClient;
import dev.ssejaxrs.test.TestServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The change feed against a real PostgreSQL (embedded, started once for the class): rows inserted by another
 * connection reach open streams in order, 200 subscribers share the one LISTEN connection, the feed comes back after
 * the database restarts, and stopping the application closes the connection. The last two change the shared
 * database and server, so the methods run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresChangeFeedTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** The embedded server's own log lines (initdb, startup, shutdown) only when they are warnings. */
    private static final java.util.logging.Logger DATABASE_LOG = java.util.logging.Logger.getLogger("io.zonky.test");

    static {
        DATABASE_LOG.setLevel(java.util.logging.Level.WARNING);
    }
    // by name, not by its last query: the feed's health check (isValid) replaces LISTEN as the connection's last query
    private static final String FEED_CONNECTIONS = "select count(*) from pg_stat_activity where application_name = '"
            + PostgresChangeFeed.APPLICATION_NAME + "'";
    private static final String OTHER_CLIENTS = "select count(*) from pg_stat_activity"
            + " where backend_type = 'client backend' and pid <> pg_backend_pid()";

    private static java.nio.file.Path dataDirectory;
    private static int databasePort;
    private static EmbeddedPostgres database;
    private static EventRegistry registry;
    private static PostgresChangeFeed feed;
    private static TestServer server;

    /** The topic the feed publishes into, as a subscriber sees it. */
    @Path("items")
    public static class ItemStream {
        @Context
        private EventRegistry registry;

        @GET
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public EventStream items(@HeaderParam("Last-Event-ID") String lastEventId) {
            return registry.subscribe(Address.topic("item_added")).lastEventId(lastEventId, null).open();
        }

        @GET
        @Path("{topic}")
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public EventStream topic(@PathParam("topic") String topic) {
            return registry.subscribe(Address.topic(topic)).open();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        dataDirectory = Files.createTempDirectory("sse-jaxrs-pg");
        try (ServerSocket free = new ServerSocket(0)) {
            databasePort = free.getLocalPort();
        }
        database = startDatabase();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("create table items (id serial primary key, title text not null)");
            s.execute("create function item_added() returns trigger language plpgsql as $$ begin "
                    + "perform pg_notify('item_added', row_to_json(new)::text); return new; end $$");
            s.execute("create trigger item_added after insert on items for each row execute function item_added()");
        }
        registry = new EventRegistry(RegistryOptions.defaults());
        feed = PostgresChangeFeed.builder(registry, PostgresChangeFeedTest::connect)
                .listen("item_added")
                .reconnectDelay(Duration.ofMillis(100))
                .healthCheckInterval(Duration.ofSeconds(2))
                .build();
        server = TestServer.start(new ResourceConfig(ItemStream.class).register(new BroadcastFeature(registry))
                .register(feed));
        assertTrue(feed.awaitListening(WAIT), "the feed listens once the application has started");
    }

    @AfterAll
    static void stop() throws IOException {
        try {
            if (server != null) {
                server.close();
            }
            if (feed != null) {
                feed.close();
            }
            if (database != null) {
                database.close();
            }
        } finally {
            try (Stream<java.nio.file.Path> files = Files.walk(dataDirectory)) {
                for (java.nio.file.Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    private static EmbeddedPostgres startDatabase() throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(dataDirectory).setCleanDataDirectory(false)
                .setPort(databasePort).start();
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + databasePort + "/postgres", "postgres",
                "postgres");
    }

    private static void insert(String... titles) throws SQLException {
        try (Connection c = connect()) {
            for (String title : titles) {
                try (var insert = c.prepareStatement("insert into items (title) values (?)")) {
                    insert.setString(1, title);
                    insert.executeUpdate();
                }
            }
        }
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    /** The titles of the {@code item_added} events in {@code body}, in order. */
    private static String titlesIn(String body) {
        List<String> titles = new ArrayList<>();
        for (String event : body.split("\r\n\r\n")) {
            if (event.contains("event: item_added\r\n")) {
                titles.add(event.replaceAll("(?s).*\"title\":\"([^\"]*)\".*", "$1"));
            }
        }
        return String.join(",", titles);
    }

    @Test
    @Order(1)
    void rowsInsertedByAnotherConnection_arriveInOrderOnEveryOpenStream() throws Exception {
        try (RawClient first = server.get("/items"); RawClient second = server.get("/items")) {
            assertEquals(200, first.status());
            assertEquals(200, second.status());
            await().atMost(WAIT).until(() -> server.runtime().activeStreams() >= 2);
            insert("milk", "eggs", "bread");
            for (RawClient client : List.of(first, second)) {
                String body = client.readUntil("event: item_added\r\n", 3, WAIT);
                assertEquals("milk,eggs,bread", titlesIn(body), body);
                assertTrue(body.contains("data: {\"id\":"), "the payload, the row as JSON, is the data: " + body);
            }
        }
    }

    @Test
    @Order(2)
    void customMapping_choosesTopicAndEvent_skipsNull_andSurvivesAMappingThatThrows() throws Exception {
        try (PostgresChangeFeed custom = PostgresChangeFeed.builder(registry, PostgresChangeFeedTest::connect)
                .listen("Odd \"Channel\"", Address.topic("mapped"), n -> switch (n.payload()) {
                    case "skip" -> null;
                    case "boom" -> throw new IllegalStateException("a bad mapping");
                    default -> SseEvent.builder().event("shout").data(n.payload().toUpperCase(Locale.ROOT)
                            + " on " + n.channel()).build();
                })
                .build();
                RawClient client = server.get("/items/mapped")) {
            custom.start();
            assertTrue(custom.awaitListening(WAIT));
            try (Connection c = connect(); Statement s = c.createStatement()) {
                for (String payload : List.of("hello", "skip", "boom", "again")) {
                    s.execute("select pg_notify('Odd \"Channel\"', '" + payload + "')");
                }
            }
            String body = client.readUntil("AGAIN", WAIT);
            // the notification the mapping threw on is lost: the gap event says so, before the next one (issue 29)
            assertEquals("event: shout\r\ndata: HELLO on Odd \"Channel\"\r\n\r\n"
                    + "event: notifications-missed\r\n"
                    + "data: {\"channel\":\"Odd \\\"Channel\\\"\",\"from\":\"T\",\"to\":\"T\"}\r\n\r\n"
                    + "event: shout\r\ndata: AGAIN on Odd \"Channel\"\r\n\r\n",
                    body.replaceAll("id: \\d+-\\d+\r\n", "").replaceAll("\"\\d{4}-[^\"]+Z\"", "\"T\""));
        }
    }

    @Test
    @Order(3)
    void twoHundredSubscribers_shareOneListenConnection() throws Exception {
        List<RawClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                clients.add(server.get("/items"));
            }
            await().atMost(WAIT).until(() -> server.runtime().activeStreams() >= 200);
            assertEquals(1, count(FEED_CONNECTIONS), "one LISTEN connection");
            // (a connection closed by an earlier test may take a moment to leave pg_stat_activity)
            await().atMost(WAIT).until(() -> count(OTHER_CLIENTS) == 1); // none besides the feed's and this query's
            insert("for everyone");
            for (RawClient client : clients) {
                assertTrue(client.readUntil("for everyone", WAIT).contains("event: item_added"));
            }
        } finally {
            clients.forEach(RawClient::close);
        }
    }

    @Test
    @Order(4)
    void databaseRestarts_feedListensAgain_announcesTheGap_andLaterInsertsArrive() throws Exception {
        try (RawClient client = server.get("/items")) {
            await().atMost(WAIT).until(() -> server.runtime().activeStreams() >= 1);
            database.close(); // stops the server; the data directory stays
            await().atMost(WAIT).until(() -> !feed.isListening());
            database = startDatabase();
            assertTrue(feed.awaitListening(WAIT), "the feed listens again");
            String gap = client.readUntil("event: notifications-missed", WAIT);
            assertTrue(gap.contains("\"channel\":\"item_added\""), gap);
            insert("after the restart");
            assertEquals("after the restart", titlesIn(client.readUntil("after the restart", WAIT)));
        }
    }

    @Test
    @Order(5)
    void applicationStop_closesTheListenConnection_andEndsTheThread() throws Exception {
        assertEquals(1, count(FEED_CONNECTIONS));
        server.close(); // the container's shutdown stops the feed
        server = null;
        assertFalse(feed.isListening());
        await().atMost(WAIT).until(() -> count(FEED_CONNECTIONS) == 0);
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("sse-jaxrs-pg-feed-item_added")), "the feed's thread ended");
        assertThrows(IllegalStateException.class, feed::start);
    }

    @Test
    void builder_refusesBadChannels_namingThem() {
        PostgresChangeFeed.Builder builder = PostgresChangeFeed.builder(registry, PostgresChangeFeedTest::connect);
        assertEquals("listen(channel) was never called: the feed needs a channel",
                assertThrows(IllegalStateException.class, builder::build).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> builder.listen("x".repeat(64)))
                .getMessage().startsWith("channel must be at most 63 bytes"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> builder.listen(""))
                .getMessage().startsWith("channel must be non-empty"));
        builder.listen("a");
        assertEquals("channel is listened to already: a",
                assertThrows(IllegalArgumentException.class, () -> builder.listen("a")).getMessage());
        assertEquals("\"we\"\"ird\"", PostgresChangeFeed.quoteIdentifier("we\"ird"));
    }
}
