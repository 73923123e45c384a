package dev.ssejaxrs.internal.redis;

import static dev.ssejaxrs.internal.redis.RedisEventLogTest.data;
import static dev.ssejaxrs.internal.redis.RedisEventLogTest.join;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.redis.RedisOptions;
import dev.ssejaxrs.redis.RedisProcess;

/**
 * Recipient offline queues and presence across nodes: each {@link RedisEventLog} here is one node, and the queue
 * lives in Redis, so it outlives every node and a restart of Redis itself.
 */
class RecipientQueueTest {
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    @RegisterExtension
    static final RedisProcess redis = RedisProcess.perTestClass();

    private static RedisOptions node(String prefix) {
        return RedisOptions.builder(redis.uri()).keyPrefix(prefix).build();
    }

    private static String prefix() {
        return "q" + PREFIXES.incrementAndGet();
    }

    @Test
    void eventsForARecipientOfflineEverywhere_waitInRedis_andOutliveEveryNodeAndARedisRestart() {
        String prefix = prefix();
        Address ann = Address.recipient("ann");
        String first;
        try (RedisEventLog nodeA = RedisEventLog.start(node(prefix), new RedisEventLogTest.Collector())) {
            RedisEventLog.Appended appended = join(nodeA.append(ann, SseEvent.of("while you were away")));
            assertEquals(1, appended.queued());
            first = appended.id();
            assertEquals(1, join(nodeA.append(List.of(ann, Address.topic("news")), SseEvent.of("and this"))).queued());
        }
        redis.stop();
        redis.restart();
        try (RedisEventLog nodeB = RedisEventLog.start(node(prefix), new RedisEventLogTest.Collector())) {
            join(nodeB.online("ann"));
            List<RedisEventLog.Entry> queued = join(nodeB.takeQueued("ann", join(nodeB.latestId())));
            assertEquals(List.of("while you were away", "and this"), data(queued));
            assertEquals(first, queued.get(0).id(), "the queued copy has the event's id");
            assertEquals(List.of(), join(nodeB.takeQueued("ann", join(nodeB.latestId()))), "taken once");
        }
    }

    @Test
    void aRecipientConnectedOnAnyNode_getsNothingQueued_untilItsLastConnectionCloses() {
        String prefix = prefix();
        Address bob = Address.recipient("bob");
        RedisEventLog nodeA = RedisEventLog.start(node(prefix), new RedisEventLogTest.Collector());
        try (RedisEventLog nodeB = RedisEventLog.start(node(prefix), new RedisEventLogTest.Collector())) {
            join(nodeA.online("bob"));
            join(nodeA.online("bob"));
            assertEquals(0, join(nodeB.append(bob, SseEvent.of("live"))).queued());
            join(nodeA.offline("bob"));
            assertEquals(0, join(nodeB.append(bob, SseEvent.of("still one connection"))).queued());
            join(nodeA.offline("bob"));
            assertEquals(1, join(nodeB.append(bob, SseEvent.of("queued"))).queued());

            join(nodeA.online("bob"));
            nodeA.close(); // a node that stops cleanly takes its presence with it
            assertEquals(1, join(nodeB.append(bob, SseEvent.of("queued too"))).queued());
            assertEquals(List.of("queued", "queued too"),
                    data(join(nodeB.takeQueued("bob", join(nodeB.latestId())))));
        } finally {
            nodeA.close();
        }
    }

    @Test
    void theQueueIsTakenUpToAPosition_laterEntriesArriveLive() {
        String prefix = prefix();
        Address cat = Address.recipient("cat");
        try (RedisEventLog node = RedisEventLog.start(node(prefix), new RedisEventLogTest.Collector())) {
            join(node.append(cat, SseEvent.of("1")));
            String position = join(node.latestId());
            join(node.append(cat, SseEvent.of("2")));
            assertEquals(List.of("1"), data(join(node.takeQueued("cat", position))));
            assertEquals(List.of(), join(node.takeQueued("cat", join(node.latestId()))),
                    "the whole queue went: what came after the position is the live reader's");
        }
    }

    @Test
    void aCrashedNodesPresence_lapsesAfterItsTtl_thenEventsAreQueuedAgain() {
        String prefix = prefix();
        Address dan = Address.recipient("dan");
        try (RedisEventLog node = RedisEventLog.start(node(prefix), new RedisEventLogTest.Collector())) {
            // a node that crashed while dan was connected to it: in the presence set, heartbeat 1.5 s before lapsing
            redis.admin(c -> {
                long now = Long.parseLong(c.time().get(0)) * 1000;
                c.zadd("{" + prefix + "}:nodes", now + 1500, "crashed-node");
                return c.sadd("{" + prefix + "}:on:dan", "crashed-node");
            });
            assertEquals(0, join(node.append(dan, SseEvent.of("counted as online"))).queued());
            await().atMost(Duration.ofSeconds(10)).until(() -> join(node.append(dan, SseEvent.of("x"))).queued() == 1);
            assertEquals(0L, (long) redis.admin(c -> c.scard("{" + prefix + "}:on:dan")), "the lapsed node is gone");
        }
    }

    @Test
    void aNodeThatStalledPastItsLapse_countsItsRecipientsOnlineAgainFromItsNextHeartbeat() {
        String prefix = prefix();
        Address eve = Address.recipient("eve");
        RedisOptions stalling = RedisOptions.builder(redis.uri()).keyPrefix(prefix)
                .presenceTtl(Duration.ofMillis(1500)).build();
        try (RedisEventLog nodeA = RedisEventLog.start(stalling, new RedisEventLogTest.Collector());
                RedisEventLog nodeB = RedisEventLog.start(node(prefix), new RedisEventLogTest.Collector())) {
            join(nodeA.online("eve"));
            assertEquals(0, join(nodeB.append(eve, SseEvent.of("live"))).queued());
            // node A stalls (no TCP reset): its heartbeat lapses, and the next publish drops it from eve's set. A's
            // own heartbeat may renew it between the two commands: then the stall is simulated again
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                redis.admin(c -> c.zadd("{" + prefix + "}:nodes", 1, nodeA.nodeId()));
                return join(nodeB.append(eve, SseEvent.of("queued while A looked dead"))).queued() == 1;
            });
            // A wakes up: eve is still connected there, so from A's next heartbeat her events are live again
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> join(nodeB.append(eve, SseEvent.of("live again?"))).queued() == 0);
            assertEquals(1L, (long) redis.admin(c -> c.scard("{" + prefix + "}:on:eve")), "A is back in eve's set");
        }
    }
}
