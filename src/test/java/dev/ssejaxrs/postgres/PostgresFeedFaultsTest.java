package dev.ssejaxrs.postgres;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.ssejaxrs.broadcast.AccessPolicy;
import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.BroadcastFeature;
import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.broadcast.RegistryOptions;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.redis.RedisOptions;
import dev.ssejaxrs.redis.RedisProcess;
import dev.ssejaxrs.stream.EventStream;
import dev.ssejaxrs.test.LoggedWarnings;
import dev.ssejaxrs.test.TestServer;
import dev.ssejaxrs.testing.EventStreamClient;
import dev.ssejaxrs.testing.OpenEventStream;
import dev.ssejaxrs.testing.ReceivedEvent;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The change feed into a registry on a real Redis that fails (issue 29, item 7), with a real PostgreSQL: while
 * Redis is away every notification's publish fails, one log line says so, and once Redis is back the gap event
 * reaches the topic before the next notification; while Redis does not answer, at most
 * {@code maxPublishesInFlight} publishes are in flight and the LISTEN loop waits, then every notification arrives
 * in order.
 */
class PostgresFeedFaultsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int FLOOD = 30;
    private static final int IN_FLIGHT = 4;

    @RegisterExtension
    static final RedisProcess redis = RedisProcess.perTestClass();

    private static EmbeddedPostgres database;
    private static EventRegistry registry;
    private static TestServer server;
    private static Client client;

    /** A topic's stream, resuming from {@code Last-Event-ID}. */
    @Path("topics/{topic}")
    public static final class TopicStream {
        @Context
        private EventRegistry registry;

        @GET
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public EventStream stream(@PathParam("topic") String topic, @HeaderParam("Last-Event-ID") String lastEventId) {
            return registry.subscribe(Address.topic(topic)).lastEventId(lastEventId).open();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        java.util.logging.Logger.getLogger("io.zonky.test").setLevel(java.util.logging.Level.WARNING);
        database = EmbeddedPostgres.builder().start();
        registry = new EventRegistry(RegistryOptions.builder().accessPolicy(AccessPolicy.anyone())
                .redis(RedisOptions.builder(redis.uri()).keyPrefix("feed-faults")
                        .commandTimeout(Duration.ofSeconds(60)).build()).build());
        server = TestServer.start(new ResourceConfig(TopicStream.class).register(new BroadcastFeature(registry)));
        client = ClientBuilder.newClient();
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        server.close();
        registry.close();
        database.close();
    }

    private static Connection connect() throws SQLException {
        return database.getPostgresDatabase().getConnection();
    }

    private static void notify(String channel, String... payloads) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String payload : payloads) {
                s.execute("select pg_notify('" + channel + "', '" + payload + "')");
            }
        }
    }

    private static PostgresChangeFeed feed(String channel, int maxInFlight) throws InterruptedException {
        PostgresChangeFeed feed = PostgresChangeFeed.builder(registry, PostgresFeedFaultsTest::connect)
                .listen(channel).healthCheckInterval(Duration.ofMillis(200)).maxPublishesInFlight(maxInFlight)
                .build();
        feed.start();
        assertTrue(feed.awaitListening(WAIT));
        return feed;
    }

    /** The events of {@code topic} after {@code lastEventId}, up to the one whose data is {@code last}. */
    private static List<ReceivedEvent> resume(String topic, String lastEventId, String last) {
        List<ReceivedEvent> received = new ArrayList<>();
        try (OpenEventStream stream = EventStreamClient.open(
                client.target("http://127.0.0.1:" + server.port + "/topics/" + topic), lastEventId)) {
            do {
                received.add(stream.next(WAIT));
            } while (!last.equals(received.get(received.size() - 1).data()));
        }
        return received;
    }

    @Test
    void publishesThatFailWhileRedisIsAway_areLoggedOnce_andTheGapEventComesBeforeTheNextNotification()
            throws Exception {
        String before;
        try (PostgresChangeFeed feed = feed("orders", 256)) {
            try (OpenEventStream stream = EventStreamClient.open(
                    client.target("http://127.0.0.1:" + server.port + "/topics/orders"))) {
                await().atMost(WAIT).until(() -> registry.stats(Address.topic("orders")).subscribers() == 1);
                notify("orders", "before");
                before = stream.next(WAIT).lastEventId();
            }
            List<String> warnings;
            try (LoggedWarnings logged = LoggedWarnings.anywhere()) {
                redis.stop();
                notify("orders", numbered("lost", 50));
                await().atMost(WAIT).until(() -> logged.snapshot().stream().anyMatch(w -> w.contains("lost, and a "
                        + "gap event follows")));
                redis.restart();
                await().atMost(WAIT).ignoreExceptions().until(() -> registry.publish("probe", SseEvent.of("p"))
                        .toCompletableFuture().join() != null);
                notify("orders", "after");
                List<ReceivedEvent> received = resume("orders", before, "after");
                warnings = logged.snapshot();
                List<String> types = received.stream().map(ReceivedEvent::type).toList();
                assertTrue(received.stream().noneMatch(e -> e.data().startsWith("lost")), received.toString());
                int gap = types.indexOf("notifications-missed");
                assertTrue(gap >= 0 && gap == types.size() - 2, "the gap event, then the next notification: "
                        + received);
                assertTrue(received.get(gap).data().startsWith("{\"channel\":\"orders\",\"from\":"),
                        received.get(gap).data());
            }
            List<String> feedLines = warnings.stream().filter(w -> w.startsWith(PostgresChangeFeed.class.getName()))
                    .toList();
            System.out.println("PostgresFeedFaultsTest: 50 lost notifications logged " + feedLines.size()
                    + " feed lines: " + feedLines);
            assertEquals(1, feedLines.stream().filter(w -> w.contains("lost, and a gap event follows")).count(),
                    "one line for 50 failed publishes (and the failed gap events): " + feedLines);
            await().atMost(WAIT).until(() -> feed.publishesInFlight() == 0);
        }
    }

    @Test
    void aNotifyFloodWhileRedisDoesNotAnswer_keepsAtMostMaxPublishesInFlight_thenDeliversEveryOneInOrder()
            throws Exception {
        try (PostgresChangeFeed feed = feed("flood", IN_FLIGHT);
                OpenEventStream stream = EventStreamClient.open(
                        client.target("http://127.0.0.1:" + server.port + "/topics/flood"))) {
            await().atMost(WAIT).until(() -> registry.stats(Address.topic("flood")).subscribers() == 1);
            pauseWrites(Duration.ofSeconds(50)); // publishes (scripts) wait for Redis; reads go on
            try {
                notify("flood", numbered("n", FLOOD));
                await().atMost(WAIT).until(() -> feed.publishesInFlight() == IN_FLIGHT);
                // the LISTEN loop waits: the count holds at the bound while Redis stays silent
                await().during(Duration.ofMillis(500)).atMost(WAIT)
                        .until(() -> feed.publishesInFlight() == IN_FLIGHT);
            } finally {
                redis.admin(c -> c.dispatch(CommandType.CLIENT, new StatusOutput<>(StringCodec.UTF8),
                        new CommandArgs<>(StringCodec.UTF8).add("UNPAUSE")));
            }
            List<String> data = stream.collect(FLOOD, WAIT).stream().map(ReceivedEvent::data).toList();
            assertEquals(List.of(numbered("n", FLOOD)), data, "every notification, in order, none lost");
            await().atMost(WAIT).until(() -> feed.publishesInFlight() == 0);
        }
    }

    private static void pauseWrites(Duration duration) {
        redis.admin(c -> c.dispatch(CommandType.CLIENT, new StatusOutput<>(StringCodec.UTF8),
                new CommandArgs<>(StringCodec.UTF8).add("PAUSE").add(duration.toMillis()).add("WRITE")));
    }

    private static String[] numbered(String prefix, int count) {
        String[] all = new String[count];
        for (int i = 0; i < count; i++) {
            all[i] = prefix + (i + 1);
        }
        return all;
    }
}
