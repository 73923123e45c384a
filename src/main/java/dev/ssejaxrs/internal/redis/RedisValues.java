package dev.ssejaxrs.internal.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import io.lettuce.core.ScriptOutputType;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.internal.store.EventId;
import dev.ssejaxrs.internal.store.LatestValues;

/**
 * What a page needs of the Redis event log besides events: the latest values of an address (latest-value mode) and
 * the head, the id a page rendered now subscribes from. Thread-safe; runs on the event log's command connection.
 */
public final class RedisValues {
    /** Entries read per page when looking for the latest event of each key. */
    static final int PAGE = 200;

    /** KEYS: stream. ARGV: up to id (inclusive), count. The entries at or before the id, newest first. */
    static final String NEWEST = "return redis.call('XREVRANGE', KEYS[1], ARGV[1], '-', 'COUNT', ARGV[2])";

    /**
     * KEYS: clock. The newest id given out; before the first publish, Redis' time as {@code <ms>-0}, written as both
     * the clock's origin and its last id, so that a resume from it is exact (the publish script counts on from it).
     */
    static final String HEAD = """
            local last = redis.call('HGET', KEYS[1], 'last')
            if last then return last end
            local time = redis.call('TIME')
            local id = string.format('%d-0', tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000))
            redis.call('HSETNX', KEYS[1], 'origin', id)
            redis.call('HSET', KEYS[1], 'last', id)
            return id
            """;

    private final RedisEventLog log;

    public RedisValues(RedisEventLog log) {
        this.log = log;
    }

    /** The newest id in Redis (see {@link #HEAD}); fails while Redis is away. */
    public CompletionStage<EventId> head() {
        String[] keys = {log.keys.clock()};
        return log.<String>command("read the head", c -> c.eval(HEAD, ScriptOutputType.VALUE, keys))
                .thenApply(EventId::parse);
    }

    /**
     * The newest retained event of each key of {@code address} at or before {@code upTo}, in id order ({@code key}
     * {@code null}: the newest event only, one read); pages back through the retained history otherwise.
     */
    public CompletionStage<List<SseEvent>> latest(Address address, EventId upTo, Function<SseEvent, String> key) {
        List<SseEvent> newestFirst = new ArrayList<>();
        return page(address, upTo.toString(), null, key == null ? 1 : PAGE, key != null, newestFirst)
                .thenApply(done -> LatestValues.newestPerKey(newestFirst, key));
    }

    /** Reads up to {@code count} entries at or before {@code upTo}, {@code skip} (read before) left out. */
    private CompletionStage<Void> page(Address address, String upTo, String skip, int count, boolean all,
            List<SseEvent> into) {
        String[] keys = {log.keys.stream(address)};
        String[] args = {upTo, Integer.toString(skip == null ? count : count + 1)};
        return log.<List<Object>>command("read the latest of " + address,
                c -> c.eval(NEWEST, ScriptOutputType.MULTI, keys, args)).thenCompose(reply -> {
                    List<RedisEventLog.Entry> entries = EntryCodec.decodeAll(reply);
                    int taken = 0;
                    for (RedisEventLog.Entry entry : entries) {
                        if (!entry.id().equals(skip)) {
                            into.add(entry.event());
                            taken++;
                        }
                    }
                    if (!all || taken < count) {
                        return CompletableFuture.completedFuture(null);
                    }
                    String last = entries.get(entries.size() - 1).id();
                    return page(address, last, last, count, true, into);
                });
    }
}
