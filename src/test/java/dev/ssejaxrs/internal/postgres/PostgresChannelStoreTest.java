package dev.ssejaxrs.internal.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.ssejaxrs.broadcast.AccessPolicy;
import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.Collected;
import dev.ssejaxrs.broadcast.RegistryOptions;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.internal.store.ChannelStore;
import dev.ssejaxrs.internal.store.ChannelStoreContract;
import dev.ssejaxrs.internal.store.EventId;
import dev.ssejaxrs.postgres.PostgresProcess;

/**
 * The store contract, for the PostgreSQL store, on a real PostgreSQL (embedded, shared by the test JVM; each store under
 * a table prefix of its own, so the tests never see each other's events), and what only a distributed store does.
 */
class PostgresChannelStoreTest extends ChannelStoreContract {
    @RegisterExtension
    static final PostgresProcess postgres = PostgresProcess.shared();

    @Override
    protected ChannelStore newStore(RegistryOptions.Builder options) {
        return PostgresChannelStore.open(options.postgres(postgres.options().build()).build());
    }

    @Override
    protected boolean distributed() {
        return true;
    }

    private static ChannelStore open(String prefix) {
        return PostgresChannelStore.open(RegistryOptions.builder().accessPolicy(AccessPolicy.anyone())
                .postgres(postgres.options().tablePrefix(prefix).build()).build());
    }

    @Test
    void eventsTrimmedBeforeThisNodeReadThem_reachALiveSubscriberAsEventsLost_thenItGoesOn() throws SQLException {
        String prefix = PostgresProcess.newPrefix();
        Address topic = Address.topic("gap");
        try (ChannelStore store = open(prefix)) {
            Collected subscriber = subscribe(store, null, topic);
            String before = append(store, topic, "before");
            subscriber.await(1);
            // what this node reads next says the event before it on its address is one it never read
            long last = PostgresSchema.position(before);
            try (Connection c = postgres.connect(); PreparedStatement s = c.prepareStatement("insert into " + prefix
                    + "_events (pos, prev, kind, name, data) values (?, ?, 't', 'gap', 'after the gap')")) {
                s.setLong(1, last + 5);
                s.setLong(2, last + 2);
                s.executeUpdate();
                c.createStatement().execute("notify " + prefix + "_events");
            }
            List<SseEvent> events = subscriber.await(3);
            assertEquals("before", events.get(0).data());
            assertEquals(ChannelStore.EVENTS_LOST, events.get(1).event(), events.toString());
            assertEquals(before, events.get(1).data(), "the last id the subscriber was given");
            assertEquals("after the gap", events.get(2).data());
            assertEquals(PostgresSchema.id(last + 5).toString(), events.get(2).id());
        }
    }

    @RepeatedTest(value = 6, failureThreshold = 1)
    void aRecipientJoiningWhileEventsArePublished_getsEveryEventOnce_queuedReplayedOrLive() throws Exception {
        // the join registers the recipient's presence while a publisher runs: each event is queued (published
        // before the presence), replayed or read live, never none of these and never two
        Address recipient = Address.recipient("r");
        int events = 60;
        try (ChannelStore store = open(PostgresProcess.newPrefix())) {
            List<String> published = new CopyOnWriteArrayList<>();
            Thread publisher = new Thread(() -> {
                for (int i = 0; i < events; i++) {
                    published.add(append(store, recipient, "e" + i));
                    LockSupport.parkNanos(100_000);
                }
            }, "test-publisher");
            publisher.start();
            Awaitility.await().until(() -> published.size() >= 10);
            Collected subscriber = subscribe(store, null, recipient);
            publisher.join();
            try {
                subscriber.await(events);
            } catch (ConditionTimeoutException lost) {
                // the accounting below says which
            }
            List<String> received = subscriber.events().stream().map(SseEvent::id).toList();
            List<String> missing = published.stream().filter(id -> !received.contains(id)).toList();
            assertEquals(published, received, "published " + published.size() + ", received " + received.size()
                    + ", missing " + missing);
            for (int i = 1; i < received.size(); i++) {
                assertEquals(true, EventId.parse(received.get(i)).isAfter(EventId.parse(received.get(i - 1))));
            }
        }
    }
}
