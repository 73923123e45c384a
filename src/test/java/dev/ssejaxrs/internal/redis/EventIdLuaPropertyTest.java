package dev.ssejaxrs.internal.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.ssejaxrs.internal.store.EventId;
import dev.ssejaxrs.redis.RedisProcess;
import dev.ssejaxrs.test.RandomInputs;

/**
 * {@link EventId#parse} against the Lua id parser of the Redis scripts, on a real Redis (issue 26; JUnit 5 with
 * {@link RandomInputs}): the same strings, one script call per batch (a try is one batch, of 100 strings or 50
 * pairs). What the scripts are given is always an id {@code EventId} accepted, written back by
 * {@link EventId#toString()} (a {@code Last-Event-ID} it refuses becomes "unknown" in Java); on every such
 * id whose parts are below 2^53, which includes every id Redis gives out (milliseconds and a count within one), the
 * Lua parser reads the same two numbers, and its {@code older} orders any accepted id against such an id as
 * {@code EventId} does. (Lua numbers are doubles: beyond 2^53 a part is rounded, so two client ids beyond it may
 * compare equal in Lua; the scripts only compare a client's id with ids Redis gave out.)
 */
class EventIdLuaPropertyTest {
    /** Lua's numbers are IEEE doubles: integers are exact up to here. */
    private static final long EXACT = 1L << 53;
    private static final long SEED = 0x5E5E_E7C0_DE26_0002L;
    /** Tries per property; each is one batch, one script call. */
    private static final int TRIES = 25;
    @RegisterExtension
    static final RedisProcess redis = RedisProcess.perTestClass();
    private static RedisClient client;
    private static StatefulRedisConnection<String, String> connection;
    /** The scripts' own id functions, followed by a body that applies them to every argument. */
    private static String parseAll;
    private static String orderAll;

    @BeforeAll
    static void connect() {
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

    @AfterAll
    static void disconnect() {
        if (connection != null) {
            connection.close();
            client.shutdown();
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

    @Test
    void everyIdEventIdAcceptsBelow2To53_luaReadsTheSameNumbers() {
        RandomInputs.check("everyIdEventIdAcceptsBelow2To53_luaReadsTheSameNumbers", SEED, TRIES, TRIES,
                r -> r.listOf(100, () -> candidate(r)), RandomInputs::describe,
                EventIdLuaPropertyTest::luaReadsTheSameNumbers);
    }

    private static void luaReadsTheSameNumbers(List<String> texts) {
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

    /** One try's input: 50 strings a client may send, 50 ids as Redis gives them out. */
    private record Pairs(List<String> clients, List<EventId> given) {
        String describe() {
            return "clients " + RandomInputs.describe(clients) + ", Redis ids " + given;
        }
    }

    @Test
    void anyAcceptedId_isOrderedAgainstRedisIdsAsEventIdOrdersIt() {
        RandomInputs.check("anyAcceptedId_isOrderedAgainstRedisIdsAsEventIdOrdersIt", SEED ^ 1, TRIES, TRIES,
                r -> new Pairs(r.listOf(50, () -> candidate(r)), r.listOf(50, () -> redisId(r))), Pairs::describe,
                pairs -> orderedAsEventIdOrders(pairs.clients(), pairs.given()));
    }

    private static void orderedAsEventIdOrders(List<String> clients, List<EventId> given) {
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

    /**
     * An id as Redis gives them out: milliseconds of a clock and a count within one, below 2^53; each part (drawn
     * apart) small (0 to 20), a clock (2020 to 2030) or any, each as likely.
     */
    private static EventId redisId(RandomInputs r) {
        return new EventId(redisIdPart(r), redisIdPart(r));
    }

    private static long redisIdPart(RandomInputs r) {
        return r.oneOfDraws(() -> r.longBetween(0, 20), () -> r.longBetween(1_600_000_000_000L, 1_900_000_000_000L),
                () -> r.longBetween(0, EXACT - 1));
    }

    private static final String[] EDGE_DIGITS = {"9223372036854775807", "9223372036854775808", "18446744073709551615",
        "99999999999999999999", "", "0"};
    /** Digits at the edges: 0, 2^53 - 1, 2^53, 2^53 + 1, the limit of long and one past it. */
    private static final String[] BOUNDARY_DIGITS = {"0", String.valueOf(EXACT - 1), String.valueOf(EXACT),
        String.valueOf(EXACT + 1), String.valueOf(Long.MAX_VALUE), "9223372036854775808"};
    private static final String[] SPECIAL_IDS = {"inf-0", "nan-1", "1-inf", "0-0", "-", "1-", "-1", "1-2-3"};

    /**
     * A string a client may send: 6 in 8 an id or near-id ({@code <decorated digits><dash><decorated digits>}, the
     * dash {@code -} as an edge case), 1 in 8 any string of up to 30 chars, 1 in 8 one of {@link #SPECIAL_IDS}.
     */
    private static String candidate(RandomInputs r) {
        return r.frequency(new int[] {6, 1, 1},
                () -> decorated(r) + (r.edgeCase() ? "-" : r.oneOf("-", "--", "_", "-")) + decorated(r),
                () -> r.string(0, 30),
                () -> r.oneOf(SPECIAL_IDS));
    }

    /**
     * Digits (see {@link #digits}), bare (also as an edge case) or with a sign, a space, hex, an exponent, a fraction,
     * a non-ASCII digit.
     */
    private static String decorated(RandomInputs r) {
        String d = digits(r);
        return r.edgeCase() ? d : r.oneOf(d, "+" + d, " " + d, d + " ", "-" + d, "0x" + d, d + "e3", d + ".5", "\u0661" + d);
    }

    /**
     * Each as likely: any long's digits, 0 to 99 after "000", 2^53 - 3 to 2^53 + 3, {@link #EDGE_DIGITS} (the
     * limits of long and of unsigned long, past both, empty, 0), 1 to 22 digits; as edge cases
     * {@link #BOUNDARY_DIGITS}.
     */
    private static String digits(RandomInputs r) {
        if (r.edgeCase()) {
            return r.oneOf(BOUNDARY_DIGITS);
        }
        return r.oneOfDraws(() -> String.valueOf(r.longBetween(0, Long.MAX_VALUE)),
                () -> "000" + r.longBetween(0, 99),
                () -> String.valueOf(r.longBetween(EXACT - 3, EXACT + 3)),
                () -> r.oneOf(EDGE_DIGITS),
                () -> r.string(1, 22, () -> (char) ('0' + r.below(10))));
    }
}
