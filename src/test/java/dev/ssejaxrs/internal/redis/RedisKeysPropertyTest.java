package dev.ssejaxrs.internal.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.InvalidAddressException;
import dev.ssejaxrs.broadcast.RegistryOptions;

/**
 * {@link RedisKeys} never maps two addresses to one key (issue 26, jqwik): for names the registry accepts, every
 * key the Redis store writes for one address (its stream; a recipient's queue and presence set) differs, as the
 * bytes Redis stores (UTF-8), from every key of any other address and from the registry's own keys. Names are
 * drawn to collide if anything can: near twins that differ in one character, surrogates (a lone one is what UTF-8
 * used to write as {@code ?}), separators of the key layout ({@code :}, {@code {}, {@code }}).
 */
class RedisKeysPropertyTest {
    private static final RegistryOptions OPTIONS = RegistryOptions.defaults();
    private final RedisKeys keys = new RedisKeys("sse-test");

    @Property(tries = 1000)
    void twoDifferentAcceptedAddresses_neverShareAKey(@ForAll("addresses") Address a,
            @ForAll("addresses") Address b) {
        Assume.that(!a.equals(b) && accepted(a) && accepted(b));
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

    @Property(tries = 500)
    void aNameThatWouldCollideInUtf8_isRefusedBeforeAnyKeyIsMade(@ForAll("names") String name) {
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        boolean roundTrips = new String(utf8, StandardCharsets.UTF_8).equals(name);
        Assume.that(!roundTrips); // a lone surrogate: UTF-8 writes '?' for it, so two such names share bytes
        Address topic = Address.topic(name);
        assertThrows(InvalidAddressException.class, () -> OPTIONS.checkName(topic), name);
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

    @Provide
    Arbitrary<Address> addresses() {
        return names().filter(name -> !name.isBlank() && !twin(name).isBlank()) // Address refuses blank names
                .flatMap(name -> Arbitraries.of(Address.topic(name), Address.recipient(name),
                        Address.topic(twin(name)), Address.recipient(twin(name))));
    }

    /** {@code name} with its last character moved to the next one, or a lone surrogate swapped for another. */
    private static String twin(String name) {
        if (name.isEmpty()) {
            return ":";
        }
        char last = name.charAt(name.length() - 1);
        return name.substring(0, name.length() - 1) + (char) (last + 1);
    }

    @Provide
    Arbitrary<String> names() {
        Arbitrary<String> tricky = Arbitraries.of(":", "{", "}", "t:", "r:", "q:", "on:", "?", "\uFFFD", "a", "\u00E9",
                "\uD83D\uDE00", "\uD83D\uDE01", "\uDBFF\uDFFF", " ");
        Arbitrary<String> lone = Arbitraries.of("\uD800", "\uDBFF", "\uDC00", "\uDFFF", "\u0000", "\n");
        Arbitrary<String> any = Arbitraries.chars().all().map(String::valueOf);
        return Arbitraries.frequencyOf(Tuple.of(20, tricky), Tuple.of(1, lone), Tuple.of(3, any)).list()
                .ofMinSize(1).ofMaxSize(10).map(parts -> String.join("", parts));
    }
}
