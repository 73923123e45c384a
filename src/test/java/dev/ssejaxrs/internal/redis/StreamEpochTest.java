package dev.ssejaxrs.internal.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.redis.RedisOptions;
import dev.ssejaxrs.redis.RedisProcess;

/**
 * The stream epoch (issue 29): when Redis lost the registry's keys, or its latest writes, an id from before gets
 * {@code replay-incomplete} instead of matching an id of the new data set, and no id is given out twice.
 */
class StreamEpochTest {
    @RegisterExtension
    static final RedisProcess redis = RedisProcess.perTestClass();
    private static final Address NEWS = Address.topic("news");

    static <T> T join(CompletionStage<T> stage) {
        return RedisEventLogTest.join(stage);
    }

    private static List<String> publish(RedisEventLog log, String prefix, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(join(log.append(NEWS, SseEvent.of(prefix + i))).id());
        }
        return ids;
    }

    @Test
    void afterAFailoverThatLostTheLatestWrites_idsOfTheLostEpochGetReplayIncomplete_andNoIdIsGivenTwice() {
        try (RedisEventLog log = RedisEventLog.start(RedisOptions.builder(redis.uri()).keyPrefix("failover").build(),
                new RedisEventLogTest.Collector())) {
            List<String> ids = publish(log, "before ", 5);
            assertFalse(join(log.replay(NEWS, ids.get(3), 100)).incomplete(), "an id of this epoch resumes exactly");

            // what a replica promoted before it got the last two writes holds: the stream and the clock at ids[2]
            redis.admin(c -> c.xdel("{failover}:t:news", ids.get(3), ids.get(4)));
            redis.admin(c -> c.hset("{failover}:clock", "last", ids.get(2)));

            RedisEventLog.Replay lost = join(log.replay(NEWS, ids.get(4), 100));
            assertTrue(lost.incomplete(), "an id newer than any the data set gave out is not one of its ids");

            // the node saw ids[4]: its next publish begins a new epoch after it
            List<String> after = publish(log, "after ", 2);
            assertTrue(Ids.compare(ids.get(4), after.get(0)) < 0, "no id given twice: " + ids + " then " + after);
            RedisEventLog.Replay fromLost = join(log.replay(NEWS, ids.get(3), 100));
            assertTrue(fromLost.incomplete(), "an id of the epoch that lost writes: the client may have missed some");
            assertEquals(List.of("after 0", "after 1"), fromLost.entries().stream().map(e -> e.event().data())
                    .toList());
            assertTrue(join(log.replay(NEWS, ids.get(1), 100)).incomplete(),
                    "from before the loss too: a replay cannot tell which events of the old epoch are gone");
            assertFalse(join(log.replay(NEWS, after.get(0), 100)).incomplete(), "the new epoch resumes exactly");
            assertEquals("1", redis.admin(c -> c.hget("{failover}:clock", "epoch")));
        }
    }

    @Test
    void afterFlushall_anOldIdGetsReplayIncomplete_andNewIdsComeAfterEveryOldOne() {
        try (RedisEventLog log = RedisEventLog.start(RedisOptions.builder(redis.uri()).keyPrefix("flushed").build(),
                new RedisEventLogTest.Collector())) {
            List<String> ids = publish(log, "before ", 3);
            redis.admin(c -> c.flushall());
            assertTrue(join(log.replay(NEWS, ids.get(2), 100)).incomplete(), "the data set is gone");
            List<String> after = publish(log, "after ", 2);
            assertTrue(Ids.compare(ids.get(2), after.get(0)) < 0, "no id given twice: " + ids + " then " + after);
            RedisEventLog.Replay old = join(log.replay(NEWS, ids.get(2), 100));
            assertTrue(old.incomplete(), "an id of the flushed epoch");
            assertEquals(List.of("after 0", "after 1"), old.entries().stream().map(e -> e.event().data()).toList());
            assertFalse(join(log.replay(NEWS, after.get(0), 100)).incomplete());
        }
    }
}
