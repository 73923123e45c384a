package dev.ssejaxrs.internal.redis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.internal.store.EventId;
import dev.ssejaxrs.redis.RedisOptions;
import dev.ssejaxrs.redis.RedisProcess;

/**
 * A recipient's cursor in Redis (issue 29): the newest of its events a connection was given. Joining reads it with
 * the presence in one script; the last connection of a node leaves in one script that moves it up; an event
 * published in between (after the stream ended, while the presence still said online, so not queued) is after the
 * cursor, and the next connection gets it.
 */
class RecipientCursorTest {
    @RegisterExtension
    static final RedisProcess redis = RedisProcess.perTestClass();

    static <T> T join(CompletionStage<T> stage) {
        return RedisEventLogTest.join(stage);
    }

    @Test
    void anEventPublishedAfterTheStreamEndedAndBeforeTheNodeLeft_isAfterTheCursorOnTheNextJoin() {
        RedisOptions options = RedisOptions.builder(redis.uri()).keyPrefix("cursor").build();
        Address ann = Address.recipient("ann");
        try (RedisEventLog nodeA = RedisEventLog.start(options, new RedisEventLogTest.Collector());
             RedisEventLog nodeB = RedisEventLog.start(options, new RedisEventLogTest.Collector())) {
            RedisEventLog.RecipientJoin first = join(nodeA.online("ann"));
            assertEquals(first.position(), first.cursor(), "no cursor yet: everything before the join was queued");

            RedisEventLog.Appended given = join(nodeA.append(ann, SseEvent.of("given")));
            nodeA.gave("ann", EventId.parse(given.id()));
            await().atMost(Duration.ofSeconds(10)).until(() -> given.id().equals(
                    redis.admin(c -> c.get("{cursor}:w:ann"))));

            // the stream has ended; the node has not left the presence set yet: not queued, given to no connection
            RedisEventLog.Appended between = join(nodeA.append(ann, SseEvent.of("between")));
            assertEquals(0, between.queued());
            join(nodeA.offline("ann"));

            RedisEventLog.RecipientJoin next = join(nodeB.online("ann"));
            assertEquals(given.id(), next.cursor(), "the leave moved the cursor to what the node gave, no further");
            RedisEventLog.Replay replay = join(nodeB.replay(ann, next.cursor(), next.position(), 100));
            assertEquals(List.of("between"), replay.entries().stream().map(e -> e.event().data()).toList());
            assertFalse(replay.incomplete());
        }
    }
}
