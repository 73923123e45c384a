package dev.ssejaxrs.broadcast;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.ssejaxrs.internal.store.PresenceBook;
import dev.ssejaxrs.redis.RedisOptions;
import dev.ssejaxrs.redis.RedisProcess;

/**
 * Presence, latest-value mode and the render-time cursor on Redis, and what only several nodes show: every node's
 * streams count everywhere, and a node killed with {@code kill -9} leaves presence within {@code presenceTtl}.
 */
class RedisPageFeaturesTest extends PageFeaturesContract {
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    @RegisterExtension
    static final RedisProcess redis = RedisProcess.perTestClass();
    private String prefix = "page" + PREFIXES.incrementAndGet();

    @Override
    protected RegistryOptions.Builder options() {
        return options(Duration.ofSeconds(30));
    }

    private RegistryOptions.Builder options(Duration presenceTtl) {
        return RegistryOptions.builder().redis(RedisOptions.builder(redis.uri()).keyPrefix(prefix)
                .presenceTtl(presenceTtl).build());
    }

    @Test
    void twoNodes_countEachOthersStreams_andAnnounceTheSum() {
        EventRegistry one = registry(options().presenceEvents(Duration.ofMillis(200)));
        EventRegistry two = registry(options().presenceEvents(Duration.ofMillis(200)));
        Address room = Address.topic("room");
        Collected watcher = join(two, Caller.anonymous(), null, Presence.eventsOf(room));
        Collected alice = join(one, ALICE, null, room);
        join(two, Caller.anonymous(), null, room);
        join(two, BOB, null, room);

        Presence all = new Presence(room, 3, Map.of("alice", 1, "bob", 1));
        await().atMost(WAIT).until(() -> presence(one, room, BOB).equals(all) && presence(two, room, BOB).equals(all));
        await().atMost(WAIT).until(() -> presenceData(watcher).stream().anyMatch(d -> d.startsWith("{\"count\":3,")));

        alice.cancel(); // on node one: node two's count follows, and its watcher hears it from node one
        Presence without = new Presence(room, 2, Map.of("bob", 1));
        await().atMost(WAIT).until(() -> presence(two, room, BOB).equals(without));
        await().atMost(WAIT).until(() -> presenceData(watcher).contains("{\"count\":2,\"joined\":[],\"left\":[\"alice\"]}"));

        one.close(); // a node that stops cleanly takes its streams out at once
        assertEquals(2, presence(two, room, null).connections());
    }

    @Test
    void aNodeKilledWithSigkill_leavesPresenceWithinPresenceTtl() throws Exception {
        Duration ttl = Duration.ofSeconds(2);
        EventRegistry survivor = registry(options(ttl));
        Address topic = Address.topic("crash");
        join(survivor, ALICE, null, topic);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process node = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                PresenceNode.class.getName(), redis.uri(), prefix, Long.toString(ttl.toMillis()), topic.name(), "3")
                .redirectErrorStream(true).start();
        open.add(node::destroyForcibly);
        try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            StringBuilder log = new StringBuilder();
            while ((line = out.readLine()) != null && !line.startsWith("ready")) {
                log.append(line).append('\n'); // its start-up log
            }
            assertEquals("ready 3", line, "the node process started; its output:\n" + log);
            await().atMost(WAIT).until(() -> presence(survivor, topic, ALICE).connections() == 4);
            assertTrue(presence(survivor, topic, ALICE).isOnline("crashing2"));

            node.destroyForcibly(); // SIGKILL: no shutdown hook, no clean-up of its presence
            assertTrue(node.waitFor(30, TimeUnit.SECONDS));
            long killed = System.nanoTime();
            await().atMost(WAIT).until(() -> presence(survivor, topic, ALICE).connections() == 1);
            long gone = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            System.out.printf("presence after kill -9: the node's 3 streams were gone after %d ms (presenceTtl %d ms)"
                    + "%n", gone, ttl.toMillis());
            assertTrue(gone <= ttl.toMillis() + 3000, "gone after " + gone + " ms; presenceTtl is " + ttl);
            assertEquals(new Presence(topic, 1, Map.of("alice", 1)), presence(survivor, topic, ALICE));
        }
    }

    @Test
    void presence_costsOneRedisWritePerAddressAndWindow_whateverTheJoins() {
        EventRegistry registry = registry(options());
        Address room = Address.topic("cost");
        PresenceBook book = registry.store.presence();
        long before = book.writes();
        List<Collected> streams = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            streams.add(join(registry, Caller.anonymous(), null, room));
        }
        streams.forEach(Collected::cancel);
        await().atMost(WAIT).until(() -> presence(registry, room, null).connections() == 0);
        EventRegistry other = registry(options());
        await().atMost(WAIT).until(() -> presence(other, room, null).connections() == 0);
        long writes = book.writes() - before;
        System.out.printf("presence writes to Redis for 200 joins and 200 leaves: %d%n", writes);
        assertTrue(writes < 50, writes + " writes for 400 changes: they are coalesced");
    }
}
