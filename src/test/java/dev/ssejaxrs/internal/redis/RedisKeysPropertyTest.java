package dev.ssejaxrs.internal.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.InvalidAddressException;
import dev.ssejaxrs.broadcast.RegistryOptions;
import dev.ssejaxrs.test.RandomInputs;

/**
 * {@link RedisKeys} never maps two addresses to one key (issue 26; JUnit 5 with {@link RandomInputs}): for names the
 * registry accepts, every key the Redis store writes for one address (its stream; a recipient's queue and presence
 * set) differs, as the bytes Redis stores (UTF-8), from every key of any other address and from the registry's own
 * keys. Names are drawn to collide if anything can: near twins that differ in one character, surrogates (a lone one
 * is what UTF-8 used to write as {@code ?}), separators of the key layout ({@code :}, {@code {}, {@code }}). Each
 * property checks its count of inputs that pass its assumption, drawn from at most 20,000.
 */
class RedisKeysPropertyTest {
    private static final RegistryOptions OPTIONS = RegistryOptions.defaults();
    private static final long SEED = 0x5E5E_E7C0_DE26_0003L;
    private final RedisKeys keys = new RedisKeys("sse-test");

    @Test
    void twoDifferentAcceptedAddresses_neverShareAKey() {
        RandomInputs.check("twoDifferentAcceptedAddresses_neverShareAKey", SEED, 1000, 20_000,
                RedisKeysPropertyTest::addresses, RedisKeysPropertyTest::describe, pair -> {
                    Address a = pair.get(0);
                    Address b = pair.get(1);
                    RandomInputs.assume(!a.equals(b) && accepted(a) && accepted(b));
                    neverShareAKey(a, b);
                });
    }

    private void neverShareAKey(Address a, Address b) {
        Map<ByteBuffer, String> owners = new HashMap<>();
        claim(owners, keys.nodes(), "nodes");
        claim(owners, keys.clock(), "clock");
        claim(owners, keys.wake("node-1", 0), "wake");
        for (Address address : List.of(a, b)) {
            claim(owners, keys.stream(address), "stream of " + address);
            if (address.kind() == Address.Kind.RECIPIENT) {
                claim(owners, keys.queue(address.name()), "queue of " + address);
                claim(owners, keys.presence(address.name()), "presence of " + address);
            }
        }
    }

    @Test
    void aNameThatWouldCollideInUtf8_isRefusedBeforeAnyKeyIsMade() {
        RandomInputs.check("aNameThatWouldCollideInUtf8_isRefusedBeforeAnyKeyIsMade", SEED ^ 1, 500, 20_000,
                RedisKeysPropertyTest::name, RandomInputs::describe, name -> {
                    byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
                    boolean roundTrips = new String(utf8, StandardCharsets.UTF_8).equals(name);
                    // a lone surrogate: UTF-8 writes '?' for it, so two such names share bytes
                    RandomInputs.assume(!roundTrips);
                    Address topic = Address.topic(name);
                    assertThrows(InvalidAddressException.class, () -> OPTIONS.checkName(topic), name);
                });
    }

    /** Two addresses, their names quoted with every char outside printable ASCII escaped. */
    private static String describe(List<Address> pair) {
        StringBuilder s = new StringBuilder();
        for (Address address : pair) {
            s.append(s.length() == 0 ? "" : " and ").append(address.kind()).append(' ')
                    .append(RandomInputs.describe(address.name()));
        }
        return s.toString();
    }

    private static void claim(Map<ByteBuffer, String> owners, String key, String owner) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(bytes, new String(bytes, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8));
        String before = owners.putIfAbsent(ByteBuffer.wrap(bytes), owner);
        assertEquals(null, before, "key " + key + " of " + owner + " is already the key of " + before);
    }

    private static boolean accepted(Address address) {
        try {
            OPTIONS.checkName(address);
            return true;
        } catch (InvalidAddressException refused) {
            return false;
        }
    }

    /**
     * Two addresses, each a topic or a recipient (each as likely) of a {@link #name} or of its {@link #twin}, neither
     * name blank (Address refuses blank names). As an edge case the second is one of the same name: the other kind,
     * the twin, or the very same address (which the property skips).
     */
    private static List<Address> addresses(RandomInputs r) {
        String first = nonBlankName(r);
        return List.of(address(r, first), address(r, r.edgeCase() ? first : nonBlankName(r)));
    }

    private static String nonBlankName(RandomInputs r) {
        String name;
        do {
            name = name(r);
        } while (name.isBlank() || twin(name).isBlank());
        return name;
    }

    private static Address address(RandomInputs r, String name) {
        return r.oneOfDraws(() -> Address.topic(name), () -> Address.recipient(name), () -> Address.topic(twin(name)),
                () -> Address.recipient(twin(name)));
    }

    /** {@code name} with its last character moved to the next one, or a lone surrogate swapped for another. */
    private static String twin(String name) {
        if (name.isEmpty()) {
            return ":";
        }
        char last = name.charAt(name.length() - 1);
        return name.substring(0, name.length() - 1) + (char) (last + 1);
    }

    private static final String[] TRICKY = {":", "{", "}", "t:", "r:", "q:", "on:", "?", "\uFFFD", "a", "\u00E9",
        "\uD83D\uDE00", "\uD83D\uDE01", "\uDBFF\uDFFF", " "};
    private static final String[] LONE = {"\uD800", "\uDBFF", "\uDC00", "\uDFFF", "\u0000", "\n"};
    /** Names of one part, as edge cases: a separator, a blank, a lone surrogate of each half, a line break, NUL. */
    private static final String[] EDGE_NAMES = {":", "{", "}", " ", "\uD800", "\uDFFF", "\n", "\u0000", "\uFFFD"};

    /**
     * 1 to 10 parts joined: 20 in 24 one of {@link #TRICKY}, 1 in 24 one of {@link #LONE} (lone surrogates, NUL,
     * LF), 3 in 24 any char of the Basic Multilingual Plane but a surrogate, a noncharacter or private use; as edge
     * cases one of {@link #EDGE_NAMES}.
     */
    private static String name(RandomInputs r) {
        if (r.edgeCase()) {
            return r.oneOf(EDGE_NAMES);
        }
        int parts = r.size(1, 10);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < parts; i++) {
            s.append(r.frequency(new int[] {20, 1, 3}, () -> r.oneOf(TRICKY), () -> r.oneOf(LONE),
                    () -> String.valueOf(r.character())));
        }
        return s.toString();
    }
}
