package dev.ssejaxrs.broadcast;

import java.time.Duration;
import java.util.Objects;

import dev.ssejaxrs.stream.StreamOptions;

/**
 * How an {@link EventRegistry} keeps and delivers events. Immutable; build with {@link #builder()}.
 *
 * <table>
 * <caption>Options and their defaults</caption>
 * <tr><th>option</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code history}</td><td>1,000 events, 1 h</td><td>retained per address to answer
 *     {@code Last-Event-ID}</td></tr>
 * <tr><td>{@code offlineQueue}</td><td>1,000 events, 1 h</td><td>what waits for a recipient with no open
 *     connection</td></tr>
 * <tr><td>{@code subscriberQueue}</td><td>1,024 events</td><td>one subscriber's queue beyond what its stream has
 *     taken</td></tr>
 * <tr><td>{@code slowConsumerPolicy}</td><td>disconnect</td><td>what a full subscriber queue does</td></tr>
 * <tr><td>{@code accessPolicy}</td><td>{@link AccessPolicy#recipientIsPrincipal()}</td><td>who may subscribe,
 *     and to which events</td></tr>
 * <tr><td>{@code idGenerator}</td><td>1, 2, 3, ... per address</td><td>ids for events published without one</td></tr>
 * <tr><td>{@code streamOptions}</td><td>{@link StreamOptions#defaults()}</td><td>pings, send timeout, farewell of
 *     subscriber streams</td></tr>
 * </table>
 */
public final class RegistryOptions {
    private static final RegistryOptions DEFAULTS = builder().build();

    final int historySize;
    final Duration historyAge;
    final int offlineQueueSize;
    final Duration offlineQueueAge;
    final int subscriberQueueSize;
    final SlowConsumerPolicy slowConsumerPolicy;
    final AccessPolicy accessPolicy;
    final IdGenerator idGenerator;
    final StreamOptions streamOptions;

    private RegistryOptions(Builder b) {
        historySize = b.historySize;
        historyAge = b.historyAge;
        offlineQueueSize = b.offlineQueueSize;
        offlineQueueAge = b.offlineQueueAge;
        subscriberQueueSize = b.subscriberQueueSize;
        slowConsumerPolicy = b.slowConsumerPolicy;
        accessPolicy = b.accessPolicy;
        idGenerator = b.idGenerator;
        streamOptions = b.streamOptions;
    }

    /** The defaults above. */
    public static RegistryOptions defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Makes the ids of events published without one. */
    @FunctionalInterface
    public interface IdGenerator {
        /** The id of the {@code sequence}-th event (from 1) published to {@code address}. */
        String nextId(Address address, long sequence);
    }

    /** Builds {@link RegistryOptions}; setters check their argument and name it in the error. */
    public static final class Builder {
        private int historySize = 1000;
        private Duration historyAge = Duration.ofHours(1);
        private int offlineQueueSize = 1000;
        private Duration offlineQueueAge = Duration.ofHours(1);
        private int subscriberQueueSize = 1024;
        private SlowConsumerPolicy slowConsumerPolicy = SlowConsumerPolicy.disconnect();
        private AccessPolicy accessPolicy = AccessPolicy.recipientIsPrincipal();
        private IdGenerator idGenerator = (address, sequence) -> Long.toString(sequence);
        private StreamOptions streamOptions = StreamOptions.defaults();

        private Builder() {
        }

        /** How many events, and for how long, each address retains for replay (0 events: no replay). */
        public Builder history(int size, Duration age) {
            historySize = notNegative("history size", size);
            historyAge = positive("history age", age);
            return this;
        }

        /** How many events, and for how long, wait for a recipient that has no open connection. */
        public Builder offlineQueue(int size, Duration age) {
            offlineQueueSize = notNegative("offline queue size", size);
            offlineQueueAge = positive("offline queue age", age);
            return this;
        }

        /** The capacity of each subscriber's queue (at least 1). */
        public Builder subscriberQueue(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("subscriber queue size must be at least 1: " + size);
            }
            subscriberQueueSize = size;
            return this;
        }

        /** What a subscriber's full queue does (default: disconnect that subscriber). */
        public Builder slowConsumerPolicy(SlowConsumerPolicy policy) {
            slowConsumerPolicy = Objects.requireNonNull(policy, "slowConsumerPolicy");
            return this;
        }

        /** Who may subscribe (default: topics anyone, recipients only their own principal). */
        public Builder accessPolicy(AccessPolicy policy) {
            accessPolicy = Objects.requireNonNull(policy, "accessPolicy");
            return this;
        }

        /** Ids for events published without one (default: 1, 2, 3, ... per address). */
        public Builder idGenerator(IdGenerator generator) {
            idGenerator = Objects.requireNonNull(generator, "idGenerator");
            return this;
        }

        /** Options of every subscriber stream (pings, send timeout, farewell event, ...). */
        public Builder streamOptions(StreamOptions options) {
            streamOptions = Objects.requireNonNull(options, "streamOptions");
            return this;
        }

        /** The options. */
        public RegistryOptions build() {
            return new RegistryOptions(this);
        }

        private static int notNegative(String name, int value) {
            if (value < 0) {
                throw new IllegalArgumentException(name + " must not be negative: " + value);
            }
            return value;
        }

        private static Duration positive(String name, Duration value) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + value);
            }
            return value;
        }
    }
}
