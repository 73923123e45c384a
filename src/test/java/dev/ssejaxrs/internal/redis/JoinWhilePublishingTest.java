package dev.ssejaxrs.internal.redis;

import static dev.ssejaxrs.internal.redis.RedisEventLogTest.join;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.redis.RedisOptions;
import dev.ssejaxrs.redis.RedisProcess;

/**
 * The join protocol of {@link RedisEventLog}'s class comment, played by a minimal local fan-out: subscribers of one
 * or several addresses join with and without a last id while events are being published, and each gets exactly the
 * events after its position, in id order, with no gap and no duplicate.
 */
class JoinWhilePublishingTest {
    @RegisterExtension
    static final RedisProcess redis = RedisProcess.perTestClass();

    @Test
    void subscribersJoiningWhilePublishing_getEveryLaterEventOnce_inIdOrder() throws Exception {
        Fanout fanout = new Fanout();
        RedisOptions options = RedisOptions.builder(redis.uri()).keyPrefix("join").readBatch(16)
                .history(100_000, Duration.ofHours(1)).build();
        List<Address> all = List.of(Address.topic("a"), Address.topic("b"), Address.topic("c"));
        List<Address> fresh = new ArrayList<>(); // each followed for the first time by one joiner, mid-stream
        for (int i = 0; i < 24; i++) {
            fresh.add(Address.topic("fresh-" + i));
        }
        try (RedisEventLog log = RedisEventLog.start(options, fanout)) {
            List<String> published = new CopyOnWriteArrayList<>();
            Thread publisher = new Thread(() -> {
                for (int i = 0; i < 1200; i++) {
                    List<Address> to = i % 7 == 0 ? List.of(all.get(0), all.get(1))
                            : i % 2 == 0 ? List.of(fresh.get(i / 2 % 24)) : List.of(all.get(i % 3));
                    published.add(join(log.append(to, SseEvent.of("e" + i))).id());
                }
            }, "test-publisher");
            publisher.start();
            List<Joiner> joiners = new ArrayList<>();
            for (int j = 0; j < 24; j++) {
                int seen = published.size();
                await().atMost(Duration.ofSeconds(20)).until(() -> published.size() > seen + 20 || !publisher.isAlive());
                List<Address> addresses = switch (j % 4) {
                    case 0 -> List.of(all.get(0), fresh.get(j));
                    case 1 -> List.of(fresh.get(j), all.get(1), all.get(2));
                    case 2 -> all;
                    default -> List.of(fresh.get(j));
                };
                String lastId = j % 3 == 0 ? null : published.get(published.size() / 2);
                joiners.add(fanout.subscribe(log, addresses, lastId));
            }
            publisher.join(Duration.ofSeconds(60).toMillis());
            for (Joiner joiner : joiners) {
                TreeSet<String> expected = new TreeSet<>(Ids::compare);
                for (Address a : joiner.addresses) {
                    for (RedisEventLog.Entry e : join(log.replay(a, joiner.from, 100_000)).entries()) {
                        expected.add(e.id());
                    }
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> joiner.received().size() >= expected.size());
                assertEquals(new ArrayList<>(expected), joiner.received(),
                        joiner.addresses + " from " + joiner.from);
            }
        }
    }

    /** A local fan-out as the registry's back end would do it: one lock shared by joining and dispatching. */
    static final class Fanout implements RedisEventLog.Listener {
        private final ReentrantLock lock = new ReentrantLock();
        private final List<Joiner> joiners = new ArrayList<>();

        @Override
        public void onEntry(Address address, RedisEventLog.Entry entry) {
            lock.lock();
            try {
                for (Joiner j : joiners) {
                    if (j.addresses.contains(address)) {
                        j.live(entry.id());
                    }
                }
            } finally {
                lock.unlock();
            }
        }

        Joiner subscribe(RedisEventLog log, List<Address> addresses, String lastId) {
            String latest = join(log.latestId());
            Joiner joiner;
            lock.lock();
            try {
                String position = latest;
                for (Address a : addresses) {
                    String p = log.follow(a, latest);
                    position = Ids.compare(p, position) > 0 ? p : position;
                }
                joiner = new Joiner(addresses, lastId == null ? position : lastId, position);
                joiners.add(joiner);
            } finally {
                lock.unlock();
            }
            TreeSet<String> replay = new TreeSet<>(Ids::compare);
            if (lastId != null) {
                for (Address a : addresses) {
                    join(log.replay(a, lastId, joiner.position, 100_000)).entries().forEach(e -> replay.add(e.id()));
                }
            }
            lock.lock();
            try {
                joiner.caughtUp(replay);
            } finally {
                lock.unlock();
            }
            return joiner;
        }
    }

    /** One subscriber: skips live entries up to its position, buffers the later ones until its replay is in. */
    static final class Joiner {
        final List<Address> addresses;
        final String from;
        final String position;
        private final List<String> received = new ArrayList<>();
        private List<String> buffer = new ArrayList<>();

        Joiner(List<Address> addresses, String from, String position) {
            this.addresses = addresses;
            this.from = from;
            this.position = position;
        }

        void live(String id) {
            if (Ids.compare(id, position) <= 0) {
                return;
            }
            if (buffer != null) {
                buffer.add(id);
            } else {
                add(id);
            }
        }

        void caughtUp(TreeSet<String> replay) {
            replay.forEach(this::add);
            buffer.forEach(this::add);
            buffer = null;
        }

        private synchronized void add(String id) {
            if (!received.isEmpty() && received.get(received.size() - 1).equals(id)) {
                return; // one event published to two of its addresses
            }
            received.add(id);
        }

        synchronized List<String> received() {
            return List.copyOf(received);
        }
    }
}
