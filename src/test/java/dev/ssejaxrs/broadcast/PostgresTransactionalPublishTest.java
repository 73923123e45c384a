package dev.ssejaxrs.broadcast;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.internal.store.ChannelStore;
import dev.ssejaxrs.internal.store.ConnectionQueue;
import dev.ssejaxrs.internal.store.EventId;
import dev.ssejaxrs.postgres.PostgresProcess;

/**
 * Publishing inside the application's JDBC transaction, on a real PostgreSQL: subscribers see an event if and only
 * if its transaction commits, and ids follow commit order, not begin order, so a client resuming from the newest id
 * it saw never misses an event of a transaction that began earlier and committed later.
 */
class PostgresTransactionalPublishTest {
    @RegisterExtension
    static final PostgresProcess postgres = PostgresProcess.shared();
    private static final Address ORDERS = Address.topic("orders");
    private final List<AutoCloseable> open = new ArrayList<>();
    private EventRegistry registry;

    @BeforeEach
    void startRegistry() {
        registry = new EventRegistry(RegistryOptions.builder().accessPolicy(AccessPolicy.anyone())
                .postgres(postgres.options().build()).build());
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        registry.close();
    }

    /** A subscriber of the orders topic, once it has joined and received what the join queued for it. */
    private Collected subscribe(String lastEventId) {
        ConnectionQueue queue = registry.subscribe(ORDERS).lastEventId(lastEventId).queue();
        Collected collected = Collected.from(queue);
        queue.started().toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join();
        return collected;
    }

    /** A connection with a transaction begun, in which {@code data} was published. */
    private Connection begin(String data) throws SQLException {
        Connection c = postgres.connect();
        open.add(c);
        c.setAutoCommit(false);
        registry.publish(c, ORDERS, SseEvent.of(data));
        return c;
    }

    @Test
    void aTransactionBegunFirstAndCommittedLast_getsTheLaterId_soAClientResumingFromWhatItSawGetsIt()
            throws SQLException {
        Connection first = begin("begun first");
        Connection second = begin("begun second");
        Collected client = subscribe(null);
        second.commit();
        SseEvent seen = client.await(1).get(0);
        assertEquals("begun second", seen.data());
        client.cancel(); // the browser goes away, with the id of what it saw
        first.commit();
        Collected resumed = subscribe(seen.id());
        SseEvent caughtUp = resumed.await(1).get(0);
        assertEquals("begun first", caughtUp.data(), "the event committed after the id the client resumes from");
        assertTrue(EventId.parse(caughtUp.id()).isAfter(EventId.parse(seen.id())),
                "ids follow commit order: " + seen.id() + " then " + caughtUp.id());
    }

    @Test
    void anOpenTransactionThatPublished_blocksNoOtherPublisher_andItsRollbackLeavesNothing() throws SQLException {
        Collected client = subscribe(null);
        Connection pending = begin("rolled back");
        String id = registry.publish(ORDERS, SseEvent.of("meanwhile")).toCompletableFuture()
                .orTimeout(10, TimeUnit.SECONDS).join().id(); // the open transaction holds no lock of the registry
        pending.rollback();
        registry.publish(ORDERS, SseEvent.of("after")).toCompletableFuture().join();
        assertEquals(List.of("meanwhile", "after"), client.await(2).stream().map(SseEvent::data).toList());
        assertEquals(List.of("after"), subscribe(id).await(1).stream().map(SseEvent::data).toList(),
                "nothing of the rolled-back transaction is replayed either");
        assertEquals(0, postgres.count("select count(*) from " + registry.options().postgres().tablePrefix()
                + "_events where data = 'rolled back'"));
    }

    @Test
    void concurrentTransactionsCommittingInAnotherOrderThanTheyBegan_someRolledBack_aResumingClientMissesNothing()
            throws Exception {
        int transactions = 48;
        List<Connection> begun = new ArrayList<>();
        for (int i = 0; i < transactions; i++) {
            begun.add(begin("tx" + i)); // begun, and published in, in index order
        }
        Set<String> committed = new TreeSet<>();
        for (int i = 0; i < transactions; i++) {
            if (i % 4 != 1) {
                committed.add("tx" + i);
            }
        }
        Collected live = subscribe(null);
        Collected first = subscribe(null);
        // four threads end them concurrently, each from its newest to its oldest: commit order is not begin order
        List<CompletableFuture<Void>> enders = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            int lane = k;
            enders.add(CompletableFuture.runAsync(() -> {
                for (int i = transactions - 4 + lane; i >= 0; i -= 4) {
                    try {
                        if (i % 4 == 1) {
                            begun.get(i).rollback();
                        } else {
                            begun.get(i).commit();
                        }
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }));
        }
        CompletableFuture<Void> ended = CompletableFuture.allOf(enders.toArray(CompletableFuture[]::new));
        // a client that leaves and resumes with the newest id it saw, again and again, while they commit
        List<SseEvent> resumed = new ArrayList<>();
        String last = null;
        do {
            Collected collected = last == null ? first : subscribe(last);
            await().atMost(Duration.ofSeconds(20)).until(() -> !collected.events().isEmpty() || ended.isDone());
            collected.cancel();
            List<SseEvent> some = collected.events();
            resumed.addAll(some);
            if (!some.isEmpty()) {
                last = some.get(some.size() - 1).id();
            }
        } while (!ended.isDone());
        ended.get(30, TimeUnit.SECONDS);
        resumed.addAll(subscribe(last).events());

        assertFalse(resumed.stream().anyMatch(e -> ChannelStore.REPLAY_INCOMPLETE.equals(e.event())),
                "no replay-incomplete: " + resumed);
        List<String> data = resumed.stream().map(SseEvent::data).toList();
        assertEquals(committed, new TreeSet<>(data), "every committed event, no rolled-back one");
        assertEquals(committed.size(), data.size(), "each once: " + data);
        assertIncreasing(resumed);
        List<SseEvent> lived = live.await(committed.size());
        assertEquals(data, lived.stream().map(SseEvent::data).toList(), "the live subscriber, in the same order");
        assertIncreasing(lived);
    }

    @Test
    void aRegistryNotOnPostgres_saysSoWhenAskedToPublishInATransaction() throws SQLException {
        try (EventRegistry memory = new EventRegistry(RegistryOptions.defaults()); Connection c = postgres.connect()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> memory.publish(c, ORDERS, SseEvent.of("x")));
            assertTrue(e.getMessage().contains("RegistryOptions.Builder.postgres"), e.getMessage());
        }
    }

    private static void assertIncreasing(List<SseEvent> events) {
        for (int i = 1; i < events.size(); i++) {
            assertTrue(EventId.parse(events.get(i).id()).isAfter(EventId.parse(events.get(i - 1).id())),
                    events.get(i - 1).id() + " then " + events.get(i).id());
        }
    }
}
