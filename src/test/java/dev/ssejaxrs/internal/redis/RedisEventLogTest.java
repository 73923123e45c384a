package dev.ssejaxrs.internal.redis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.redis.RedisOptions;
import dev.ssejaxrs.redis.RedisProcess;

/** The Redis event log against a real redis-server: ids, replay, trimming, live reading, connections. */
class RedisEventLogTest {
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    @RegisterExtension
    static final RedisProcess redis = RedisProcess.perTestClass();

    /** Options on this class's Redis with a key prefix of the test's own, so tests never see each other's keys. */
    static RedisOptions.Builder options() {
        return RedisOptions.builder(redis.uri()).keyPrefix("t" + PREFIXES.incrementAndGet());
    }

    static <T> T join(CompletionStage<T> stage) {
        return stage.toCompletableFuture().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
    }

    @Test
    void publish_givesRedisStreamIds_orderedAcrossAddresses_andReplayAfterAnIdIsExclusive() {
        try (RedisEventLog log = RedisEventLog.start(options().build(), new Collector())) {
            Address news = Address.topic("news");
            Address sport = Address.topic("sport");
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                ids.add(join(log.append(i % 2 == 0 ? news : sport, SseEvent.of("e" + i))).id());
            }
            for (int i = 1; i < ids.size(); i++) {
                assertTrue(ids.get(i).matches("\\d+-\\d+"), ids.get(i));
                assertTrue(Ids.compare(ids.get(i - 1), ids.get(i)) < 0, ids.get(i - 1) + " < " + ids.get(i));
            }
            assertEquals(ids.get(8), redis.admin(c -> c.xrevrange("{" + log.options().keyPrefix() + "}:t:news",
                    io.lettuce.core.Range.create("-", "+"), io.lettuce.core.Limit.from(1)).get(0).getId()),
                    "the event id is the stream id");

            RedisEventLog.Replay replay = join(log.replay(news, ids.get(2), 100));
            assertEquals(List.of("e4", "e6", "e8"), data(replay.entries()));
            assertEquals(List.of(ids.get(4), ids.get(6), ids.get(8)), ids(replay.entries()));
            assertEquals(ids.get(8), replay.entries().get(2).event().id(), "the event carries its id");
            assertFalse(replay.incomplete());
            assertEquals(ids.get(8), replay.resumeAfter());

            RedisEventLog.Replay bounded = join(log.replay(news, ids.get(2), ids.get(6), 100));
            assertEquals(List.of("e4", "e6"), data(bounded.entries()), "up to an id, inclusive");
            assertFalse(bounded.incomplete());
            RedisEventLog.Replay beyond = join(log.replay(news, ids.get(6), ids.get(6), 100));
            assertTrue(beyond.entries().isEmpty());
            assertFalse(beyond.incomplete(), "entries after the bound are not missing");

            RedisEventLog.Replay page = join(log.replay(news, ids.get(0), 2));
            assertEquals(List.of("e2", "e4"), data(page.entries()));
            assertTrue(page.more());

            // a multi-address stream resumes every address from one id, whichever address it came from
            assertEquals(List.of("e5", "e7", "e9"), data(join(log.replay(sport, ids.get(4), 100)).entries()));
            assertFalse(join(log.replay(sport, ids.get(4), 100)).incomplete());

            RedisEventLog.Replay none = join(log.replay(news, ids.get(9), 100));
            assertTrue(none.entries().isEmpty());
            assertFalse(none.incomplete(), "nothing after the newest id is missing");
            assertEquals(ids.get(9), none.resumeAfter());
            assertEquals(ids.get(9), join(log.latestId()));
        }
    }

    @Test
    void replay_ofAnUnknownId_givesAllRetained_andReplayIncomplete() {
        try (RedisEventLog log = RedisEventLog.start(options().build(), new Collector())) {
            Address a = Address.topic("a");
            RedisEventLog.Replay empty = join(log.replay(a, "57", 100));
            assertFalse(empty.incomplete(), "nothing was ever published");
            join(log.append(a, SseEvent.of("one")));
            join(log.append(a, SseEvent.of("two")));
            for (String unknown : List.of("57", "x-1", "1-2-3", "9".repeat(300), "-1", "1-")) {
                RedisEventLog.Replay replay = join(log.replay(a, unknown, 100));
                assertTrue(replay.incomplete(), unknown);
                assertEquals(List.of("one", "two"), data(replay.entries()), unknown);
            }
            RedisEventLog.Replay old = join(log.replay(a, "1-0", 100));
            assertTrue(old.incomplete(), "an id from before this data set's first event");
            assertEquals(List.of("one", "two"), data(old.entries()));
        }
    }

    @Test
    void replay_afterATrimmedId_isIncomplete_andTheStreamStaysBounded() {
        Collector seen = new Collector();
        try (RedisEventLog log = RedisEventLog.start(options().history(10, Duration.ofHours(1)).build(), seen)) {
            Address a = Address.topic("bounded");
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                ids.add(join(log.append(a, SseEvent.of("e" + i))).id());
            }
            long length = redis.admin(c -> c.xlen("{" + log.options().keyPrefix() + "}:t:bounded"));
            assertTrue(length >= 10 && length < 300, "MAXLEN ~ 10 keeps about 10 (whole macro nodes): " + length);
            RedisEventLog.Replay replay = join(log.replay(a, ids.get(0), 1000));
            assertTrue(replay.incomplete());
            assertEquals(length, replay.entries().size());
            assertEquals("e499", replay.entries().get(replay.entries().size() - 1).event().data());
            RedisEventLog.Replay recent = join(log.replay(a, ids.get(495), 1000));
            assertFalse(recent.incomplete());
            assertEquals(List.of("e496", "e497", "e498", "e499"), data(recent.entries()));

            // a reader behind the trimming (here: one that starts from the first id) is told what it missed
            log.follow(a, ids.get(0));
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == length);
            assertEquals(1, seen.gaps.get());
        }
    }

    @Test
    void anIdleStream_expiresAfterTheHistoryAge_andAnIdFromItThenGetsReplayIncomplete() {
        try (RedisEventLog log = RedisEventLog.start(options().history(100, Duration.ofMillis(300)).build(),
                new Collector())) {
            Address a = Address.topic("short-lived");
            String first = join(log.append(a, SseEvent.of("one"))).id();
            String key = "{" + log.options().keyPrefix() + "}:t:short-lived";
            await().atMost(Duration.ofSeconds(10)).until(() -> redis.admin(c -> c.exists(key)) == 0);
            RedisEventLog.Replay replay = join(log.replay(a, first, 100));
            assertTrue(replay.entries().isEmpty());
            assertTrue(replay.incomplete(), "the history expired: as for an evicted channel, nothing is vouched for");

            String recent = join(log.append(Address.topic("other"), SseEvent.of("two"))).id();
            RedisEventLog.Replay unused = join(log.replay(Address.topic("never-used"), recent, 100));
            assertFalse(unused.incomplete(), "a recent id from another address: nothing can have expired since");
        }
    }

    @Test
    void anEventToSeveralAddresses_hasOneIdInEach_andKeepsEveryField() {
        try (RedisEventLog log = RedisEventLog.start(options().build(), new Collector())) {
            SseEvent event = SseEvent.builder().id("ignored").event("update").data("line 1\nline 2\n")
                    .comment("note").retry(Duration.ofMillis(2500)).build();
            List<Address> to = List.of(Address.topic("a"), Address.topic("b"), Address.topic("a"));
            String id = join(log.append(to, event)).id();
            for (Address address : List.of(Address.topic("a"), Address.topic("b"))) {
                List<RedisEventLog.Entry> entries = join(log.replay(address, "0-1", 10)).entries();
                assertEquals(1, entries.size(), "once per address");
                SseEvent back = entries.get(0).event();
                assertEquals(id, back.id());
                assertEquals("update", back.event());
                assertEquals("line 1\nline 2\n", back.data());
                assertEquals("note", back.comment());
                assertEquals(Duration.ofMillis(2500), back.retry());
                assertNull(entries.get(0).previousId());
            }
            String second = join(log.append(Address.topic("a"), SseEvent.builder().event("ping").build())).id();
            RedisEventLog.Entry entry = join(log.replay(Address.topic("a"), id, 10)).entries().get(0);
            assertEquals(second, entry.id());
            assertEquals(id, entry.previousId());
            assertNull(entry.event().data(), "no data field stays no data field");
        }
    }

    @Test
    void theReader_handsOverTheEntriesOfManyAddresses_inPublishOrder_exactlyOnce() {
        Collector seen = new Collector();
        try (RedisEventLog log = RedisEventLog.start(options().readBatch(7).build(), seen)) {
            String start = join(log.latestId());
            List<Address> addresses = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                addresses.add(Address.topic("live-" + i));
                log.follow(addresses.get(i), start);
            }
            List<String> published = new ArrayList<>();
            for (int i = 0; i < 600; i++) {
                // uneven: a few busy addresses fill their COUNT while the others trickle
                Address to = addresses.get(i % 3 == 0 ? i % 50 : i % 4);
                published.add(join(log.append(to, SseEvent.of(to.name() + "#" + i))).id());
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() >= published.size());
            assertEquals(published, seen.ids(), "every entry once, in publish order across addresses");
            assertEquals(0, seen.gaps.get());
        }
    }

    @Test
    void aThousandFollowedAddresses_useTheSameFewConnections_andANewAddressWakesTheBlockedRead() {
        Collector seen = new Collector();
        RedisOptions options = options().readerConnections(2).readBlock(Duration.ofSeconds(60)).build();
        String nodeId;
        try (RedisEventLog log = RedisEventLog.start(options, seen)) {
            nodeId = log.nodeId();
            String node = "sse:" + nodeId + ":";
            await().atMost(Duration.ofSeconds(10)).until(() -> redis.connectionsNamed(node).size() == 3);
            assertEquals(List.of(node + "commands", node + "reader-0", node + "reader-1"),
                    redis.connectionsNamed(node));
            String start = join(log.latestId());
            log.follow(Address.topic("first"), start);
            join(log.append(Address.topic("first"), SseEvent.of("1")));
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 1);

            for (int i = 0; i < 1000; i++) {
                log.follow(Address.topic("many-" + i), start);
            }
            // the readers block for 60 s: only the wake makes them read the new addresses within the bound
            join(log.append(Address.topic("many-999"), SseEvent.of("2")));
            join(log.append(Address.topic("many-0"), SseEvent.of("3")));
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 3);
            assertEquals(java.util.Set.of("1", "2", "3"), java.util.Set.copyOf(seen.data()),
                    "two readers: the order holds per reader, not across them");
            assertEquals(3, redis.connectionsNamed(node).size(), "connections: " + redis.connectionsNamed(node));

            log.unfollow(Address.topic("many-5"));
            assertFalse(log.follows(Address.topic("many-5")));
            join(log.append(Address.topic("many-5"), SseEvent.of("not followed")));
            join(log.append(Address.topic("many-6"), SseEvent.of("4")));
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 4);
            assertEquals("4", seen.data().get(3));
        }
        assertEquals(List.of(), redis.connectionsNamed("sse:" + nodeId), "close closes them all");
        assertEquals(List.of(), Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> name.contains(nodeId)).toList(), "close ends this log's threads");
    }

    static List<String> data(List<RedisEventLog.Entry> entries) {
        return entries.stream().map(e -> e.event().data()).toList();
    }

    static List<String> ids(List<RedisEventLog.Entry> entries) {
        return entries.stream().map(RedisEventLog.Entry::id).toList();
    }

    /** Collects what the readers hand over. */
    static final class Collector implements RedisEventLog.Listener {
        private final List<RedisEventLog.Entry> entries = new ArrayList<>();
        final AtomicInteger gaps = new AtomicInteger();

        @Override
        public synchronized void onEntry(Address address, RedisEventLog.Entry entry) {
            entries.add(entry);
        }

        @Override
        public void onGap(Address address, String lastId, RedisEventLog.Entry next) {
            gaps.incrementAndGet();
        }

        synchronized int size() {
            return entries.size();
        }

        synchronized List<String> ids() {
            return RedisEventLogTest.ids(entries);
        }

        synchronized List<String> data() {
            return RedisEventLogTest.data(entries);
        }
    }
}
