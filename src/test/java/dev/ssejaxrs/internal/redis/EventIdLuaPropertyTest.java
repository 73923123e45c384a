package dev.ssejaxrs.internal.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import dev.ssejaxrs.internal.store.EventId;
import dev.ssejaxrs.redis.RedisProcess;

/**
 * {@link EventId#parse} against the Lua id parser of the Redis scripts, on a real Redis (issue 26, jqwik): the same
 * strings, one script call per batch. What the scripts are given is always an id {@code EventId} accepted, written
 * back by {@link EventId#toString()} (a {@code Last-Event-ID} it refuses becomes "unknown" in Java); on every such
 * id whose parts are below 2^53, which includes every id Redis gives out (milliseconds and a count within one), the
 * Lua parser reads the same two numbers, and its {@code older} orders any accepted id against such an id as
 * {@code EventId} does. (Lua numbers are doubles: beyond 2^53 a part is rounded, so two client ids beyond it may
 * compare equal in Lua; the scripts only compare a client's id with ids Redis gave out.)
 */
class EventIdLuaPropertyTest {
    /** Lua's numbers are IEEE doubles: integers are exact up to here. */
    private static final long EXACT = 1L << 53;
    private static RedisProcess redis;
    private static RedisClient client;
    private static StatefulRedisConnection<String, String> connection;
    /** The scripts' own id functions, followed by a body that applies them to every argument. */
    private static String parseAll;
    private static String orderAll;

    @BeforeContainer
    static void start() {
        redis = RedisProcess.start();
        client = RedisClient.create(redis.uri());
        connection = client.connect();
        String ids = idFunctions();
        parseAll = ids + """
                local out = {}
                for i = 1, #ARGV do
                  local ok, m, s = pcall(parse, ARGV[i])
                  if ok and m and s then out[i] = string.format('%.0f-%.0f', m, s) else out[i] = '' end
                end
                return out
                """;
        orderAll = ids + """
                local out = {}
                for i = 1, #ARGV, 2 do
                  out[#out + 1] = (older(ARGV[i], ARGV[i + 1]) and 'older' or 'not') .. ','
                      .. (older(ARGV[i + 1], ARGV[i]) and 'older' or 'not')
                end
                return out
                """;
    }

    @AfterContainer
    static void stop() {
        if (connection != null) {
            connection.close();
            client.shutdown();
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** The prelude every script shares ({@code parse}, {@code older}), exactly as the scripts have it. */
    private static String idFunctions() {
        String replay = Scripts.REPLAY;
        int end = replay.indexOf("local after = ARGV[1]");
        String ids = replay.substring(0, Math.max(0, end));
        assertTrue(ids.contains("local function parse(id)") && ids.contains("local function older(a, b)"),
                "the scripts' id functions are no longer where this test looks for them: " + ids);
        return ids;
    }

    @Property(tries = 25)
    void everyIdEventIdAcceptsBelow2To53_luaReadsTheSameNumbers(@ForAll("hundredCandidates") List<String> texts) {
        List<String> sent = new ArrayList<>();
        for (String text : texts) {
            EventId id = EventId.parse(text);
            if (id != null && id.millis() < EXACT && id.sequence() < EXACT) {
                sent.add(id.toString()); // what the scripts are given
            }
        }
        if (sent.isEmpty()) {
            return;
        }
        List<String> lua = connection.sync().eval(parseAll, ScriptOutputType.MULTI, new String[0],
                sent.toArray(new String[0]));
        assertEquals(sent, lua, "Lua's parse of the ids Java sends");
    }

    @Property(tries = 25)
    void anyAcceptedId_isOrderedAgainstRedisIdsAsEventIdOrdersIt(
            @ForAll("fiftyCandidates") List<String> clients, @ForAll("fiftyRedisIds") List<EventId> given) {
        List<String> pairs = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
            EventId client = EventId.parse(clients.get(i));
            if (client == null) {
                continue;
            }
            EventId redisId = given.get(i);
            pairs.add(client.toString());
            pairs.add(redisId.toString());
            expected.add((client.compareTo(redisId) < 0 ? "older" : "not") + ","
                    + (redisId.compareTo(client) < 0 ? "older" : "not"));
        }
        if (pairs.isEmpty()) {
            return;
        }
        List<String> lua = connection.sync().eval(orderAll, ScriptOutputType.MULTI, new String[0],
                pairs.toArray(new String[0]));
        assertEquals(expected, lua, "older(a, b), older(b, a) for the pairs " + pairs);
    }

    @Provide
    Arbitrary<List<String>> hundredCandidates() {
        return candidates().list().ofSize(100);
    }

    @Provide
    Arbitrary<List<String>> fiftyCandidates() {
        return candidates().list().ofSize(50);
    }

    @Provide
    Arbitrary<List<EventId>> fiftyRedisIds() {
        return redisIds().list().ofSize(50);
    }

    /** Ids as Redis gives them out: milliseconds of a clock and a count within one, below 2^53. */
    private static Arbitrary<EventId> redisIds() {
        Arbitrary<Long> part = Arbitraries.oneOf(Arbitraries.longs().between(0, 20),
                Arbitraries.longs().between(1_600_000_000_000L, 1_900_000_000_000L),
                Arbitraries.longs().between(0, EXACT - 1));
        return net.jqwik.api.Combinators.combine(part, part).as(EventId::new);
    }

    /** Strings a client may send: ids, near-ids (signs, spaces, hex, exponents, overflow) and anything. */
    private static Arbitrary<String> candidates() {
        Arbitrary<String> digits = Arbitraries.oneOf(
                Arbitraries.longs().between(0, Long.MAX_VALUE).map(String::valueOf),
                Arbitraries.longs().between(0, 99).map(n -> "000" + n),
                Arbitraries.longs().between(EXACT - 3, EXACT + 3).map(String::valueOf),
                Arbitraries.of("9223372036854775807", "9223372036854775808", "18446744073709551615",
                        "99999999999999999999", "", "0"),
                Arbitraries.strings().withChars("0123456789").ofMinLength(1).ofMaxLength(22));
        Arbitrary<String> decorated = digits.flatMap(d -> Arbitraries.of(d, "+" + d, " " + d, d + " ", "-" + d,
                "0x" + d, d + "e3", d + ".5", "\u0661" + d));
        Arbitrary<String> ids = net.jqwik.api.Combinators.combine(decorated, decorated,
                Arbitraries.of("-", "--", "_", "-"))
                .as((m, s, dash) -> m + dash + s);
        return Arbitraries.frequencyOf(Tuple.of(6, ids), Tuple.of(1, Arbitraries.strings().ofMaxLength(30)),
                Tuple.of(1, Arbitraries.of("inf-0", "nan-1", "1-inf", "0-0", "-", "1-", "-1", "1-2-3")));
    }
}
