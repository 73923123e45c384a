package dev.ssejaxrs.broadcast;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.internal.store.ConnectionQueue;
import dev.ssejaxrs.postgres.PostgresProcess;
import dev.ssejaxrs.postgres.PostgresUnavailableException;
import dev.ssejaxrs.testing.OpenEventStream;

/**
 * Several nodes on one real PostgreSQL ({@link SeveralNodesContract}), and what only the database store does: the
 * database stopped and restarted mid-stream, and the connections a node keeps.
 */
class PostgresNodesTest extends SeveralNodesContract {
    @RegisterExtension
    static final PostgresProcess postgres = PostgresProcess.perTestClass();
    /** The registry's connections, by their application_name in pg_stat_activity. */
    private static final String CONNECTIONS = "select count(*) from pg_stat_activity where application_name = '";
    private String prefix;

    @Override
    RegistryOptions.Builder storeOptions() {
        if (prefix == null) {
            prefix = PostgresProcess.newPrefix();
        }
        return RegistryOptions.builder().postgres(postgres.options().tablePrefix(prefix)
                .healthCheckInterval(Duration.ofSeconds(1)).build());
    }

    @Test
    void databaseStoppedAndRestartedMidStream_streamsStayOpen_publishFailsMeanwhile_everyAcceptedEventArrivesOnce() {
        Node a = new Node();
        Node b = new Node();
        OpenEventStream onA = a.stream("topics/t", Map.of());
        OpenEventStream onB = b.stream("topics/t", Map.of());
        awaitSubscribers(a, Address.topic("t"), 1);
        awaitSubscribers(b, Address.topic("t"), 1);
        List<String> accepted = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            a.publish("t", "before" + i);
            accepted.add("before" + i);
        }
        postgres.stop();
        try {
            for (int i = 1; i <= 3; i++) {
                long start = System.nanoTime();
                CompletionException e = assertThrows(CompletionException.class,
                        () -> a.registry.publish("t", SseEvent.of("lost")).toCompletableFuture().join());
                assertInstanceOf(PostgresUnavailableException.class, e.getCause(), e.toString());
                assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "fails fast");
            }
            for (int i = 0; i < 3; i++) { // pings go on while the database is away
                onA.awaitComment(c -> true, WAIT);
                onB.awaitComment(c -> true, WAIT);
            }
        } finally {
            postgres.restart();
        }
        AtomicInteger attempt = new AtomicInteger();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> { // the pool reconnects by itself
            String data = "retry" + attempt.incrementAndGet();
            try {
                a.registry.publish("t", SseEvent.of(data)).toCompletableFuture().join();
                accepted.add(data);
                return true;
            } catch (CompletionException e) {
                failed.add(data);
                return false;
            }
        });
        for (int i = 1; i <= 20; i++) {
            a.publish("t", "after" + i);
            accepted.add("after" + i);
        }
        for (OpenEventStream stream : List.of(onA, onB)) {
            assertEveryAcceptedEventOnce(stream, accepted, failed, "after20");
        }
    }

    @Test
    void aThousandSubscribersOnOneNode_useOneListeningConnectionAndAtMostThePool() throws SQLException {
        Node a = new Node();
        long listening = postgres.count(CONNECTIONS + "sse-jaxrs registry listener'");
        assertEquals(1, listening, "one listening connection for the node");
        List<Collected> subscribers = new ArrayList<>();
        for (int i = 0; i < 1000; i++) { // the worst case: an address of its own each
            ConnectionQueue queue = a.registry.subscribe(Address.topic("s" + i)).queue();
            subscribers.add(Collected.from(queue));
            queue.started().toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join();
        }
        assertEquals(1000, a.registry.stats().subscribers());
        for (int i = 0; i < 1000; i += 100) {
            a.publish("s" + i, "to " + i);
        }
        for (int i = 0; i < 1000; i += 100) {
            assertEquals("to " + i, subscribers.get(i).await(1).get(0).data());
        }
        assertEquals(1, postgres.count(CONNECTIONS + "sse-jaxrs registry listener'"));
        long pool = postgres.count(CONNECTIONS + "sse-jaxrs registry'");
        assertTrue(pool >= 1 && pool <= a.registry.options().postgres().poolSize(), "pool connections: " + pool);
        subscribers.forEach(Collected::cancel);
        assertEquals(0, a.registry.stats().subscribers());
    }
}
