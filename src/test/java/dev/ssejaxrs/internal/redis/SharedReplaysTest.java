package dev.ssejaxrs.internal.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.ssejaxrs.broadcast.Address;

/** Joiners asking for the same replay page at once share one read (a reconnect storm reads each page once). */
class SharedReplaysTest {
    private static final Address NEWS = Address.topic("news");

    @Test
    void samePageWhileItIsRead_isReadOnce_andForgottenWhenComplete() {
        SharedReplays shared = new SharedReplays();
        AtomicInteger reads = new AtomicInteger();
        CompletableFuture<RedisEventLog.Replay> redis = new CompletableFuture<>();
        CompletionStage<RedisEventLog.Replay> first = shared.replay(NEWS, "1-0", "9-0", 1000, () -> {
            reads.incrementAndGet();
            return redis;
        });
        CompletionStage<RedisEventLog.Replay> second = shared.replay(NEWS, "1-0", "9-0", 1000, () -> {
            reads.incrementAndGet();
            return new CompletableFuture<>();
        });
        CompletionStage<RedisEventLog.Replay> otherPage = shared.replay(NEWS, "2-0", "9-0", 1000, () -> {
            reads.incrementAndGet();
            return CompletableFuture.completedFuture(new RedisEventLog.Replay(List.of(), false, false, "2-0"));
        });
        assertEquals(2, reads.get(), "the same page is read once; another page has its own read");
        assertTrue(otherPage.toCompletableFuture().isDone());

        second.toCompletableFuture().cancel(false); // one joiner giving up does not fail the page for the others
        RedisEventLog.Replay page = new RedisEventLog.Replay(List.of(), false, false, "1-0");
        redis.complete(page);
        assertSame(page, first.toCompletableFuture().join());
        assertEquals(0, shared.inFlight(), "forgotten once read: memory holds only pages in flight");

        shared.replay(NEWS, "1-0", "9-0", 1000, () -> {
            reads.incrementAndGet();
            return CompletableFuture.completedFuture(page);
        });
        assertEquals(3, reads.get(), "a later joiner reads afresh");
    }
}
