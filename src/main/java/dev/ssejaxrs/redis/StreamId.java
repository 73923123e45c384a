package dev.ssejaxrs.redis;

/**
 * A Redis stream id, {@code <epoch-millis>-<sequence>}: parsing and order. (The registry's own id class, from the
 * hardening issue, has the same form; the wiring step makes them one.)
 */
record StreamId(long millis, long sequence) implements Comparable<StreamId> {
    /** Longer ids are not ours: treated as unknown, never parsed. */
    static final int MAX_LENGTH = 41;

    /** The id, or {@code null} when {@code text} is not of the form (then it is an unknown id). */
    static StreamId parse(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_LENGTH) {
            return null;
        }
        int dash = text.indexOf('-');
        if (dash <= 0 || dash == text.length() - 1) {
            return null;
        }
        long millis = digits(text, 0, dash);
        long sequence = digits(text, dash + 1, text.length());
        return millis < 0 || sequence < 0 ? null : new StreamId(millis, sequence);
    }

    private static long digits(String text, int from, int to) {
        if (to - from > 18) {
            return -1; // keeps every accepted value below Long.MAX_VALUE, so "(" + id is always a valid range start
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    @Override
    public int compareTo(StreamId other) {
        int byMillis = Long.compare(millis, other.millis);
        return byMillis != 0 ? byMillis : Long.compare(sequence, other.sequence);
    }

    /** Orders two id strings of the form. */
    static int compare(String a, String b) {
        return parse(a).compareTo(parse(b));
    }

    @Override
    public String toString() {
        return millis + "-" + sequence;
    }
}
