package dev.ssejaxrs.test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The property tests' generator (issue 26): seeded inputs for a property that runs as a plain JUnit 5 test. Each try
 * draws its input from a {@link SplittableRandom} of its own seed (the class's fixed base seed and the try's number),
 * so a failure names a seed that gives the same input again: rerun with {@code -Dsse.property.seed=<seed>} (the seed
 * as printed, hex) and only that try runs.
 *
 * <p>Like the generators of property-testing libraries, the draws favour edge cases: a range's ends and its values
 * next to them, empty and one-element lists, the edge values a test names; one try in ten (chosen by its seed) draws
 * them half the time, the others one time in twenty. Numbers are biased towards the small end of their range
 * (a random magnitude, then a value within it), list sizes towards short ones.
 */
public final class RandomInputs {
    /** The system property that pins a property test to one seed. */
    public static final String SEED_PROPERTY = "sse.property.seed";

    private final SplittableRandom random;
    private final double edgeCaseRate;

    private RandomInputs(long seed) {
        this.random = new SplittableRandom(seed);
        // one try in ten leans on edge cases (half its draws), the others take one now and then (one in twenty)
        this.edgeCaseRate = random.nextInt(10) == 0 ? 0.5 : 0.05;
    }

    /** What a property does with one input: throws (an assertion) when it does not hold. */
    @FunctionalInterface
    public interface Property<T> {
        void check(T input) throws Exception;
    }

    /** Thrown by {@link #assume} when an input is outside a property's precondition: the try is not counted. */
    private static final class Discarded extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Discarded() {
            super(null, null, false, false);
        }
    }

    /** Skips the input of this try (it does not count towards the checked inputs) unless {@code condition} holds. */
    public static void assume(boolean condition) {
        if (!condition) {
            throw new Discarded();
        }
    }

    /**
     * Checks {@code property} on {@code tries} inputs that pass its {@link #assume} (drawing at most
     * {@code maxDraws} inputs), each drawn by {@code generate} from the seed of its try; on a failure, throws an
     * {@link AssertionError} naming the property, the seed and the input ({@code describe}), with the failure as cause.
     *
     * @return the number of inputs checked (those {@code assume} let through)
     */
    public static <T> int check(String name, long baseSeed, int tries, int maxDraws,
            Function<RandomInputs, T> generate, Function<? super T, String> describe, Property<? super T> property) {
        String pinned = System.getProperty(SEED_PROPERTY);
        if (pinned != null && !pinned.isBlank()) {
            long seed = Long.parseUnsignedLong(pinned.strip().replaceFirst("^0x", ""), 16);
            return run(name, seed, generate, describe, property) ? 1 : 0;
        }
        int checked = 0;
        for (int draw = 0; checked < tries && draw < maxDraws; draw++) {
            if (run(name, seedOf(baseSeed, draw), generate, describe, property)) {
                checked++;
            }
        }
        if (checked < tries) {
            throw new AssertionError(name + ": only " + checked + " of " + tries + " inputs passed the property's"
                    + " assumption in " + maxDraws + " draws (base seed " + hex(baseSeed) + ")");
        }
        return checked;
    }

    /**
     * The seed of try {@code draw} of a property whose base seed is {@code baseSeed}: the base seed moved by the try's
     * number times the golden gamma of {@link SplittableRandom}.
     */
    public static long seedOf(long baseSeed, int draw) {
        return baseSeed + draw * 0x9E3779B97F4A7C15L;
    }

    private static <T> boolean run(String name, long seed, Function<RandomInputs, T> generate,
            Function<? super T, String> describe, Property<? super T> property) {
        T input = generate.apply(new RandomInputs(seed));
        try {
            property.check(input);
            return true;
        } catch (Discarded discarded) {
            return false;
        } catch (Exception | AssertionError failure) {
            throw new AssertionError(name + " fails for seed " + hex(seed) + " (rerun: -D" + SEED_PROPERTY + "="
                    + hex(seed) + ") on the input " + describe.apply(input) + ": " + failure, failure);
        }
    }

    private static String hex(long seed) {
        return "0x" + Long.toHexString(seed);
    }

    // ---- draws

    /** True with probability {@code p}. */
    public boolean chance(double p) {
        return random.nextDouble() < p;
    }

    /** Whether this draw takes an edge case. */
    public boolean edgeCase() {
        return chance(edgeCaseRate);
    }

    /** An int in {@code [0, bound)}, each as likely (no edge cases). */
    public int below(int bound) {
        return random.nextInt(bound);
    }

    /** A value of {@code values}, each as likely. */
    @SafeVarargs
    public final <T> T oneOf(T... values) {
        return values[random.nextInt(values.length)];
    }

    /** A value of {@code values}, each as likely. */
    public <T> T oneOf(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    /** The value of one of {@code suppliers}, each as likely. */
    @SafeVarargs
    public final <T> T oneOfDraws(Supplier<? extends T>... suppliers) {
        return suppliers[random.nextInt(suppliers.length)].get();
    }

    /** The value of a supplier chosen by weight: {@code weights[i]} for {@code suppliers[i]}. */
    @SafeVarargs
    public final <T> T frequency(int[] weights, Supplier<? extends T>... suppliers) {
        if (weights.length != suppliers.length) {
            throw new IllegalArgumentException("a weight per supplier");
        }
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        int pick = random.nextInt(total);
        for (int i = 0; i < weights.length; i++) {
            pick -= weights[i];
            if (pick < 0) {
                return suppliers[i].get();
            }
        }
        throw new AssertionError("unreachable");
    }

    /** {@code null} with probability {@code p} (and as an edge case), otherwise the supplier's value. */
    public <T> T orNull(double p, Supplier<? extends T> value) {
        if (edgeCase() && chance(0.5)) {
            return null;
        }
        return chance(p) ? null : value.get();
    }

    /**
     * A long in {@code [min, max]}: an edge case ({@code min}, {@code min + 1}, {@code max - 1}, {@code max}, and
     * 0, 1, -1 where in range), or a value biased towards {@code min}: half the time one within a random power of two
     * above it, half the time any.
     */
    public long longBetween(long min, long max) {
        if (min > max) {
            throw new IllegalArgumentException(min + " > " + max);
        }
        if (edgeCase()) {
            List<Long> edges = new ArrayList<>(List.of(min, max));
            for (long e : new long[] {min + 1, max - 1, 0, 1, -1}) {
                if (e >= min && e <= max) {
                    edges.add(e);
                }
            }
            return oneOf(edges);
        }
        if (min == max) {
            return min;
        }
        long span = max - min; // overflows (negative) when the range is more than Long.MAX_VALUE wide
        if (chance(0.5)) {
            int bits = random.nextInt(64);
            long bound = bits == 63 ? Long.MAX_VALUE : 1L << bits;
            return min + random.nextLong(span > 0 ? Math.min(bound, span) : bound);
        }
        if (span > 0 && span < Long.MAX_VALUE) {
            return min + random.nextLong(span + 1);
        }
        long value;
        do {
            value = random.nextLong();
        } while (value < min || value > max);
        return value;
    }

    /** An int in {@code [min, max]}, as {@link #longBetween}. */
    public int intBetween(int min, int max) {
        return (int) longBetween(min, max);
    }

    /**
     * A list size in {@code [min, max]}: an edge case ({@code min}, {@code min + 1}, {@code max}) or a size biased
     * towards short lists (a third up to {@code min + 3}, a third up to a third of the range, a third any).
     */
    public int size(int min, int max) {
        if (edgeCase()) {
            return oneOf(min, Math.min(min + 1, max), max);
        }
        int upper = switch (random.nextInt(3)) {
            case 0 -> Math.min(max, min + 3);
            case 1 -> Math.min(max, min + Math.max(1, (max - min) / 3));
            default -> max;
        };
        return min + random.nextInt(upper - min + 1);
    }

    /** {@code size} values of {@code element}. */
    public <T> List<T> listOf(int size, Supplier<? extends T> element) {
        List<T> list = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            list.add(element.get());
        }
        return list;
    }

    /**
     * A char of the Basic Multilingual Plane that is neither a surrogate, a noncharacter ({@code U+FDD0..U+FDEF},
     * {@code U+FFFE}, {@code U+FFFF}) nor private use ({@code U+E000..U+F8FF}): an edge case ({@code U+0000}, a space,
     * {@code U+FFFD}) or any such char, each as likely.
     */
    public char character() {
        if (edgeCase()) {
            return oneOf('\0', ' ', '\uFFFD');
        }
        while (true) {
            char c = (char) random.nextInt(0x10000);
            boolean excluded = (c >= 0xD800 && c <= 0xDFFF) || (c >= 0xE000 && c <= 0xF8FF)
                    || (c >= 0xFDD0 && c <= 0xFDEF) || c == 0xFFFE || c == 0xFFFF;
            if (!excluded) {
                return c;
            }
        }
    }

    /** A string of {@link #character()}s of a {@link #size} in {@code [minLength, maxLength]} ("" as an edge case). */
    public String string(int minLength, int maxLength) {
        return string(minLength, maxLength, this::character);
    }

    /** A string of {@code chars} of a {@link #size} in {@code [minLength, maxLength]}. */
    public String string(int minLength, int maxLength, Supplier<Character> chars) {
        int length = size(minLength, maxLength);
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append((char) chars.get());
        }
        return s.toString();
    }

    // ---- failure messages

    /**
     * {@code value} for a failure message: strings quoted, with every char outside printable ASCII as a Java escape
     * (so CR, LF, NUL and lone surrogates show), lists and arrays element by element.
     */
    public static String describe(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof CharSequence text) {
            StringBuilder s = new StringBuilder(text.length() + 2).append('"');
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                switch (c) {
                    case '\r' -> s.append("\\r");
                    case '\n' -> s.append("\\n");
                    case '"' -> s.append("\\\"");
                    case '\\' -> s.append("\\\\");
                    default -> {
                        if (c < 0x20 || c > 0x7E) {
                            s.append(String.format("\\u%04X", (int) c));
                        } else {
                            s.append(c);
                        }
                    }
                }
            }
            return s.append('"').toString();
        }
        if (value instanceof List<?> list) {
            StringBuilder s = new StringBuilder("[");
            for (int i = 0; i < list.size(); i++) {
                s.append(i == 0 ? "" : ", ").append(describe(list.get(i)));
            }
            return s.append(']').toString();
        }
        if (value instanceof Object[] array) {
            return describe(java.util.Arrays.asList(array));
        }
        return value.toString();
    }
}
