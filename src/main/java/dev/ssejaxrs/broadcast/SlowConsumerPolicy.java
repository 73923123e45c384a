package dev.ssejaxrs.broadcast;

import java.util.Objects;
import java.util.function.Function;

import dev.ssejaxrs.event.SseEvent;

/**
 * What a subscriber's full queue does with one more event. One slow subscriber never delays the others whatever
 * the policy: each has its own queue.
 *
 * <pre>{@code
 * RegistryOptions.builder().slowConsumerPolicy(SlowConsumerPolicy.latestPerKey(SseEvent::event));
 * }</pre>
 */
public final class SlowConsumerPolicy {
    /** What a policy does with a subscriber that falls behind. */
    public enum Kind {
        /** {@link #disconnect()}: the slow subscriber's stream ends. */
        DISCONNECT,
        /** {@link #dropOldest()}: the oldest queued event makes room. */
        DROP_OLDEST,
        /** {@link #latestPerKey}: a queued event with the same key makes room, else the oldest. */
        LATEST_PER_KEY
    }

    private static final SlowConsumerPolicy DISCONNECT = new SlowConsumerPolicy(Kind.DISCONNECT, null);
    private static final SlowConsumerPolicy DROP_OLDEST = new SlowConsumerPolicy(Kind.DROP_OLDEST, null);

    private final Kind kind;
    private final Function<SseEvent, String> key;

    private SlowConsumerPolicy(Kind kind, Function<SseEvent, String> key) {
        this.kind = kind;
        this.key = key;
    }

    /**
     * The default: the slow subscriber's stream ends (after what it already has, or at its send timeout); its
     * client reconnects with {@code Last-Event-ID} and catches up from the history, so nothing is lost.
     *
     * @return the disconnect policy
     */
    public static SlowConsumerPolicy disconnect() {
        return DISCONNECT;
    }

    /**
     * The oldest queued event is dropped for the new one.
     *
     * @return the drop-oldest policy
     */
    public static SlowConsumerPolicy dropOldest() {
        return DROP_OLDEST;
    }

    /**
     * Conflation, for dashboards: a queued event with the same key is replaced by the new one (which goes to the
     * end of the queue); with no such event the oldest is dropped.
     *
     * @param key gives an event's key (not null); events with equal keys, {@code null} included, replace one another
     * @return the latest-per-key policy
     */
    public static SlowConsumerPolicy latestPerKey(Function<SseEvent, String> key) {
        return new SlowConsumerPolicy(Kind.LATEST_PER_KEY, Objects.requireNonNull(key, "key"));
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * What this policy does with a subscriber that falls behind.
     *
     * @return the policy's kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * The key function of {@link #latestPerKey}, or {@code null} for the other policies.
     *
     * @return the key function, or {@code null}
     */
    public Function<SseEvent, String> key() {
        return key;
    }
}
