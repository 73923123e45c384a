package dev.ssejaxrs.internal.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.ScriptOutputType;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.internal.store.PresenceBook;

/**
 * The presence of every node's streams in Redis, for {@link PresenceBook}: each node keeps one hash per address it
 * has streams of, caller key to streams, which lapses {@code presenceTtl} after its last write; the node writes it
 * on changes (coalesced by the book) and again every {@code presenceTtl/3}. A node that crashes stops writing, so
 * its counts are gone from every read at most {@code presenceTtl} after the crash (the stated bound).
 *
 * <table>
 * <caption>Keys (next to those of {@link RedisKeys}, under the same hash tag)</caption>
 * <tr><td>{@code {p}:pi:t:<topic>}, {@code {p}:pi:r:<recipient>}</td><td>set: the nodes that wrote counts of the
 *     address (a lapsed node is removed by the next read)</td></tr>
 * <tr><td>{@code {p}:pn:<length>:<node>:t:<topic>}</td><td>hash: one node's streams of the address, by caller
 *     ({@code ""}: anonymous); expires {@code presenceTtl} after the node's last write</td></tr>
 * </table>
 *
 * <p>Costs: a write (one script: {@code DEL}, {@code HSET} per caller, two {@code PEXPIRE}, {@code SADD}) per
 * changed address and flush, and per address every {@code presenceTtl/3}; a read (one script: {@code SMEMBERS}, one
 * {@code HGETALL} per other node). Thread-safe; runs on the event log's command connection.
 */
public final class RedisPresence implements PresenceBook.Shared {
    /** KEYS: index, this node's hash. ARGV: node, ttl ms, then caller/streams pairs (none: the node has none). */
    static final String WRITE = """
            redis.call('DEL', KEYS[2])
            if #ARGV > 2 then
              for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
              redis.call('PEXPIRE', KEYS[2], ARGV[2])
              redis.call('SADD', KEYS[1], ARGV[1])
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
            else
              redis.call('SREM', KEYS[1], ARGV[1])
            end
            return 1
            """;

    /**
     * KEYS: index. ARGV: key tag, address part of the hash keys, this node. Returns the other live nodes' caller/
     * streams pairs; drops lapsed nodes from the index. (The hash keys are built here, under the same hash tag.)
     */
    static final String READ = """
            local out = {}
            for _, node in ipairs(redis.call('SMEMBERS', KEYS[1])) do
              if node ~= ARGV[3] then
                local fields = redis.call('HGETALL', ARGV[1] .. 'pn:' .. string.len(node) .. ':' .. node .. ':' .. ARGV[2])
                if #fields == 0 then
                  redis.call('SREM', KEYS[1], node)
                else
                  for i = 1, #fields do out[#out + 1] = fields[i] end
                end
              end
            end
            return out
            """;

    private final RedisEventLog log;
    private final String tag;
    private final Duration ttl;

    public RedisPresence(RedisEventLog log) {
        this.log = log;
        this.tag = "{" + log.options().keyPrefix() + "}:";
        this.ttl = log.options().presenceTtl();
    }

    private static String part(Address address) {
        return (address.kind() == Address.Kind.TOPIC ? "t:" : "r:") + address.name();
    }

    String index(Address address) {
        return tag + "pi:" + part(address);
    }

    String hash(String node, Address address) {
        return tag + "pn:" + node.getBytes(StandardCharsets.UTF_8).length + ":" + node + ":" + part(address);
    }

    @Override
    public CompletionStage<Void> write(Address address, Map<String, Integer> counts) {
        List<String> args = new ArrayList<>(2 + 2 * counts.size());
        args.add(log.nodeId());
        args.add(Long.toString(ttl.toMillis()));
        counts.forEach((caller, n) -> {
            args.add(caller);
            args.add(Integer.toString(n));
        });
        String[] keys = {index(address), hash(log.nodeId(), address)};
        return log.<Long>command("write the presence of " + address,
                c -> c.eval(WRITE, ScriptOutputType.INTEGER, keys, args.toArray(String[]::new)))
                .thenApply(done -> null);
    }

    @Override
    public CompletionStage<Map<String, Integer>> others(Address address) {
        String[] keys = {index(address)};
        String[] args = {tag, part(address), log.nodeId()};
        return log.<List<Object>>command("read the presence of " + address,
                c -> c.eval(READ, ScriptOutputType.MULTI, keys, args)).thenApply(pairs -> {
                    Map<String, Integer> counts = new HashMap<>();
                    for (int i = 0; i + 1 < pairs.size(); i += 2) {
                        counts.merge((String) pairs.get(i), Integer.parseInt((String) pairs.get(i + 1)),
                                Integer::sum);
                    }
                    return counts;
                });
    }

    @Override
    public Duration refreshEvery() {
        return Duration.ofMillis(Math.max(100, ttl.toMillis() / 3));
    }

    /** Removes this node's counts of {@code addresses} (on close), waiting up to the command timeout. */
    public void removeAll(Set<Address> addresses) {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (Address address : addresses) {
            all.add(write(address, Map.of()).toCompletableFuture());
        }
        try {
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                    .get(log.options().commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) { // Redis away: they lapse after presenceTtl
            System.getLogger(RedisPresence.class.getName()).log(System.Logger.Level.DEBUG,
                    "presence not removed on close (it lapses by itself)", e);
        }
    }
}
