package dev.ssejaxrs.internal.store;

/**
 * A registry event id, {@code <epoch-millis>-<sequence>} as Redis stream ids are written: time-ordered, unique
 * across restarts of the application, and comparable across addresses. Parsing, formatting and comparison of ids
 * live here and nowhere else (the Redis back end, {@code dev.ssejaxrs.redis}, uses this class too: an event id
 * there <em>is</em> the stream id).
 *
 * <pre>{@code
 * EventId id = EventId.parse(lastEventId);   // null when it is not of the form
 * }</pre>
 *
 * @param millis milliseconds since the epoch, not negative
 * @param sequence the event's number within that millisecond, not negative
 */
public record EventId(long millis, long sequence) implements Comparable<EventId> {
    /** Longer {@code Last-Event-ID}s are treated as unknown and never echoed in full. */
    static final int MAX_LENGTH = 256;

    /** Checks the parts. */
    public EventId {
        if (millis < 0 || sequence < 0) {
            throw new IllegalArgumentException("event id parts must not be negative: " + millis + "-" + sequence);
        }
    }

    /** The id written as {@code text}, or {@code null} when {@code text} is not of the form (or too long). */
    public static EventId parse(String text) {
        if (text == null || text.length() > 41) { // two 20-digit numbers and a dash
            return null;
        }
        int dash = text.indexOf('-');
        if (dash <= 0 || dash == text.length() - 1) {
            return null;
        }
        long millis = digits(text, 0, dash);
        long sequence = digits(text, dash + 1, text.length());
        return millis < 0 || sequence < 0 ? null : new EventId(millis, sequence);
    }

    /** The value of the decimal digits {@code text[from, to)}, or -1 when they are not all digits or overflow. */
    private static long digits(String text, int from, int to) {
        if (to - from > 19) {
            return -1;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
            if (value < 0) {
                return -1;
            }
        }
        return value;
    }

    /** Whether this id is after {@code other}. */
    public boolean isAfter(EventId other) {
        return compareTo(other) > 0;
    }

    @Override
    public int compareTo(EventId other) {
        int byTime = Long.compare(millis, other.millis);
        return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
    }

    @Override
    public String toString() {
        return millis + "-" + sequence;
    }

    /** {@code text} cut to {@link #MAX_LENGTH} characters, to echo a client's id back safely. */
    public static String truncated(String text) {
        return text.length() <= MAX_LENGTH ? text : text.substring(0, MAX_LENGTH);
    }

    /**
     * Issues strictly increasing ids from a clock, even when the clock stalls or steps back (the sequence counts
     * on within the last millisecond used). Every id it issues is after {@link #start()}: an id issued by an earlier
     * run of the application, on the same clock, is at or before it. Not thread-safe: the store calls it under its
     * lock.
     */
    static final class Generator {
        private final java.util.function.LongSupplier clock;
        private final EventId start;
        private EventId last;

        Generator(java.util.function.LongSupplier clock) {
            this.clock = clock;
            this.start = new EventId(clock.getAsLong(), Long.MAX_VALUE);
            this.last = start;
        }

        /** At or before every id of this generator, after every id issued earlier on the same clock. */
        EventId start() {
            return start;
        }

        /** The newest id issued (or {@link #start()}). */
        EventId last() {
            return last;
        }

        EventId next() {
            long now = clock.getAsLong();
            if (now > last.millis) {
                last = new EventId(now, 0);
            } else if (last.sequence < Long.MAX_VALUE) {
                last = new EventId(last.millis, last.sequence + 1);
            } else {
                last = new EventId(last.millis + 1, 0);
            }
            return last;
        }
    }
}
