package dev.ssejaxrs.internal.redis;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.ssejaxrs.broadcast.Address;

/**
 * One replay read for every joiner asking for the same page at the same time: after a deploy, thousands of browsers
 * reconnect with the same {@code Last-Event-ID} and the same position, and each would otherwise run the script, and
 * hold its own decoded copy of every entry (and its own encoding of each event: the stream core encodes an event
 * once per instance). A page read once is handed to all of them; it is forgotten when it completes, so memory holds
 * at most one copy of each page in flight, and a later joiner reads afresh.
 *
 * <p>Thread-safe: the map of pages in flight is concurrent; a page completes on Lettuce's I/O thread.
 */
final class SharedReplays {
    private final Map<Page, CompletableFuture<RedisEventLog.Replay>> inFlight = new ConcurrentHashMap<>();

    /** What a replay page is: an address, an id after which, an id up to which, a limit. */
    private record Page(Address address, String afterId, String upToId, int limit) {
    }

    /** The page of {@code read}, shared with the joiners asking for the same one while it is read. */
    CompletionStage<RedisEventLog.Replay> replay(Address address, String afterId, String upToId, int limit,
            Supplier<CompletionStage<RedisEventLog.Replay>> read) {
        Page page = new Page(address, afterId, upToId, limit);
        CompletableFuture<RedisEventLog.Replay> mine = new CompletableFuture<>();
        CompletableFuture<RedisEventLog.Replay> shared = inFlight.putIfAbsent(page, mine);
        if (shared != null) {
            return shared.copy(); // a joiner's continuation never completes the page for the others
        }
        CompletionStage<RedisEventLog.Replay> reading;
        try {
            reading = read.get();
        } catch (RuntimeException e) {
            inFlight.remove(page, mine);
            mine.completeExceptionally(e);
            throw e;
        }
        reading.whenComplete((replay, failure) -> {
            inFlight.remove(page, mine);
            if (failure != null) {
                mine.completeExceptionally(failure);
            } else {
                mine.complete(replay);
            }
        });
        return mine.copy();
    }

    /** How many pages are being read (for tests: none once every replay completed). */
    int inFlight() {
        return inFlight.size();
    }
}
