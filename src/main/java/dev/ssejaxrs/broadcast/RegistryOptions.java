package dev.ssejaxrs.broadcast;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Pattern;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.postgres.PostgresOptions;
import dev.ssejaxrs.redis.RedisOptions;
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
 * <tr><td>{@code historyBytes}, {@code offlineQueueBytes}, {@code subscriberQueueBytes}</td><td>1 MiB
 *     each</td><td>the same three, bounded in bytes too (the newest event is always kept)</td></tr>
 * <tr><td>{@code maxEventSize}</td><td>64 KiB</td><td>the largest event {@code publish} accepts (larger:
 *     {@link EventTooLargeException}, 413)</td></tr>
 * <tr><td>{@code maxStreamAge}</td><td>none</td><td>how long a subscriber stream lives at most, less a random
 *     part of its jitter; then it ends after {@code event: stream-expired}</td></tr>
 * <tr><td>{@code slowConsumerPolicy}</td><td>disconnect</td><td>what a full subscriber queue does</td></tr>
 * <tr><td>{@code accessPolicy}</td><td>{@link AccessPolicy#recipientIsPrincipal()}</td><td>who may subscribe,
 *     and to which events</td></tr>
 * <tr><td>{@code maxAddresses}</td><td>10,000</td><td>topics kept at once; beyond it the least recently
 *     used one without subscribers is evicted with its history</td></tr>
 * <tr><td>{@code maxRecipients}</td><td>10,000</td><td>recipients kept at once, apart from topics; beyond it
 *     the least recently used one without subscribers is evicted with its queue (its next connect gets
 *     {@code replay-incomplete})</td></tr>
 * <tr><td>{@code addressNames}</td><td>1 to 200 characters, no control character</td><td>topic and recipient
 *     names the registry accepts (others: 400, before any state exists)</td></tr>
 * <tr><td>{@code maxStreams}</td><td>10,000</td><td>open streams of the registry on this node at once; beyond:
 *     429 with {@code Retry-After}</td></tr>
 * <tr><td>{@code maxStreamsPerCaller}</td><td>100</td><td>open streams of one authenticated caller at once;
 *     beyond: 429 with {@code Retry-After}</td></tr>
 * <tr><td>{@code maxStreamsPerAddress}</td><td>none</td><td>open streams of anonymous callers from one client
 *     address at once; beyond: 429 with {@code Retry-After}</td></tr>
 * <tr><td>{@code maxAddressesPerSubscription}</td><td>100</td><td>addresses one subscription may name; beyond:
 *     400</td></tr>
 * <tr><td>{@code authenticationChallenge}</td><td>{@code Bearer}</td><td>the {@code WWW-Authenticate}
 *     challenge of the 401 that an anonymous caller refused by the access policy gets</td></tr>
 * <tr><td>{@code roles}</td><td>none</td><td>roles checked when a subscription opens, for the
 *     {@link Caller}</td></tr>
 * <tr><td>{@code scheduler}</td><td>the registry's own (one thread, only while something waits to
 *     expire)</td><td>runs the expiry of histories and offline queues</td></tr>
 * <tr><td>{@code streamOptions}</td><td>{@link StreamOptions#defaults()}</td><td>pings, send timeout, farewell of
 *     subscriber streams</td></tr>
 * <tr><td>{@code presenceEvents}</td><td>none</td><td>announce each topic's presence changes on its
 *     {@linkplain Presence#eventsOf presence topic}, at most once per window and node</td></tr>
 * <tr><td>{@code latestValue}</td><td>no address</td><td>addresses whose new subscribers without
 *     {@code Last-Event-ID} first get the latest event (of each key)</td></tr>
 * <tr><td>{@code redis}</td><td>none: this process's memory</td><td>keep events in Redis Streams, shared by
 *     every node on that Redis (needs {@code io.lettuce:lettuce-core}; loaded only then)</td></tr>
 * <tr><td>{@code postgres}</td><td>none: this process's memory</td><td>keep events in PostgreSQL tables, shared
 *     by every node on that database, with publishing inside the application's transactions (needs
 *     {@code org.postgresql:postgresql}; loaded only then)</td></tr>
 * </table>
 */
public final class RegistryOptions {

    private final int historySize;
    private final Duration historyAge;
    private final int offlineQueueSize;
    private final Duration offlineQueueAge;
    private final int subscriberQueueSize;
    private final int historyBytes;
    private final int offlineQueueBytes;
    private final int subscriberQueueBytes;
    private final int maxEventSize;
    private final Duration maxStreamAge;
    private final Duration maxStreamAgeJitter;
    private final SlowConsumerPolicy slowConsumerPolicy;
    private final AccessPolicy accessPolicy;
    private final int maxAddresses;
    private final int maxRecipients;
    final Pattern addressNames;
    final List<String> roles;
    private final String authenticationChallenge;
    private final int maxStreams;
    private final int maxStreamsPerCaller;
    private final int maxAddressesPerSubscription;
    private final int maxStreamsPerAddress;
    private final ScheduledExecutorService scheduler;
    final StreamOptions streamOptions;
    private final RedisOptions redis;
    private final Duration presenceEventsWindow;
    private final java.util.function.Predicate<Address> latestValue;
    private final java.util.function.Function<SseEvent, String> latestKey;
    private final PostgresOptions postgres;

    private RegistryOptions(Builder b) {
        presenceEventsWindow = b.presenceEventsWindow;
        latestValue = b.latestValue;
        latestKey = b.latestKey;
        historySize = b.historySize;
        historyAge = b.historyAge;
        offlineQueueSize = b.offlineQueueSize;
        offlineQueueAge = b.offlineQueueAge;
        subscriberQueueSize = b.subscriberQueueSize;
        historyBytes = b.historyBytes;
        offlineQueueBytes = b.offlineQueueBytes;
        subscriberQueueBytes = b.subscriberQueueBytes;
        maxEventSize = b.maxEventSize;
        maxStreamAge = b.maxStreamAge;
        maxStreamAgeJitter = b.maxStreamAgeJitter;
        slowConsumerPolicy = b.slowConsumerPolicy;
        accessPolicy = b.accessPolicy;
        maxAddresses = b.maxAddresses;
        maxRecipients = b.maxRecipients;
        addressNames = b.addressNames;
        roles = b.roles;
        authenticationChallenge = b.authenticationChallenge;
        maxStreams = b.maxStreams;
        maxStreamsPerCaller = b.maxStreamsPerCaller;
        maxAddressesPerSubscription = b.maxAddressesPerSubscription;
        maxStreamsPerAddress = b.maxStreamsPerAddress;
        scheduler = b.scheduler;
        streamOptions = b.streamOptions;
        redis = b.redis;
        postgres = b.postgres;
    }

    /**
     * The defaults above.
     *
     * @return the default options (one shared instance)
     */
    public static RegistryOptions defaults() {
        return DEFAULTS;
    }

    /**
     * A builder starting from the defaults.
     *
     * @return a new builder, set to the defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /** The names the registry accepts by default: 1 to 200 characters, none a control character. */
    public static final Pattern DEFAULT_ADDRESS_NAMES = Pattern.compile("[^\\p{Cntrl}]{1,200}");
    private static final RegistryOptions DEFAULTS = builder().build(); // after the defaults it uses

    /**
     * Returns {@code address} when its name is one these options accept ({@link Builder#addressNames}); for
     * checking names from requests at the edge, with the registry's own rule.
     *
     * @param address the address to check (not null)
     * @return {@code address} itself
     * @throws InvalidAddressException when it is not: the message names the address kind and quotes (a bounded
     *     part of) the name
     */
    public Address checkName(Address address) {
        Objects.requireNonNull(address, "address");
        int lone = loneSurrogate(address.name());
        if (lone >= 0) {
            // UTF-8 cannot encode it: Redis keys would write '?' for it, and two names would share one key
            throw new InvalidAddressException(address.kind().name().toLowerCase(java.util.Locale.ROOT)
                    + " name must be well-formed UTF-16: a lone surrogate U+"
                    + Integer.toHexString(address.name().charAt(lone)).toUpperCase(java.util.Locale.ROOT)
                    + " at index " + lone);
        }
        if (!addressNames.matcher(address.name()).matches()) {
            String name = address.name();
            String shown = name.length() <= 64 ? name : name.substring(0, 64) + "...(" + name.length() + " chars)";
            throw new InvalidAddressException(address.kind().name().toLowerCase(java.util.Locale.ROOT)
                    + " name must match " + addressNames.pattern() + ": \""
                    + shown.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0") + "\"");
        }
        return address;
    }

    /** The index of the first surrogate not in a high-low pair, or -1. */
    private static int loneSurrogate(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The value set by {@link Builder#history}.
     *
     * @return how many events each address retains for replay (0: no replay)
     */
    public int historySize() {
        return historySize;
    }

    /**
     * The value set by {@link Builder#history}.
     *
     * @return how long each address retains an event for replay
     */
    public Duration historyAge() {
        return historyAge;
    }

    /**
     * The value set by {@link Builder#offlineQueue}.
     *
     * @return how many events wait for a recipient with no open connection (0: none wait)
     */
    public int offlineQueueSize() {
        return offlineQueueSize;
    }

    /**
     * The value set by {@link Builder#offlineQueue}.
     *
     * @return how long an event waits for a recipient with no open connection
     */
    public Duration offlineQueueAge() {
        return offlineQueueAge;
    }

    /**
     * The value set by {@link Builder#subscriberQueue}.
     *
     * @return the capacity of each subscriber's queue, in events
     */
    public int subscriberQueueSize() {
        return subscriberQueueSize;
    }

    /**
     * The value set by {@link Builder#historyBytes}.
     *
     * @return how many bytes of events each address retains for replay at most
     */
    public int historyBytes() {
        return historyBytes;
    }

    /**
     * The value set by {@link Builder#offlineQueueBytes}.
     *
     * @return how many bytes of events wait for a recipient with no open connection at most
     */
    public int offlineQueueBytes() {
        return offlineQueueBytes;
    }

    /**
     * The value set by {@link Builder#subscriberQueueBytes}.
     *
     * @return how many bytes of events each subscriber's queue holds at most
     */
    public int subscriberQueueBytes() {
        return subscriberQueueBytes;
    }

    /**
     * The value set by {@link Builder#maxEventSize}.
     *
     * @return the largest event {@code publish} accepts, in bytes of its encoding
     */
    public int maxEventSize() {
        return maxEventSize;
    }

    /**
     * The value set by {@link Builder#maxStreamAge}.
     *
     * @return how long a subscriber stream lives at most, or {@code null}: as long as its client stays
     */
    public Duration maxStreamAge() {
        return maxStreamAge;
    }

    /**
     * The value set by {@link Builder#maxStreamAge}.
     *
     * @return how much earlier than {@link #maxStreamAge()} a stream may end, chosen at random per stream
     *     ({@link Duration#ZERO} when there is no maximum age)
     */
    public Duration maxStreamAgeJitter() {
        return maxStreamAgeJitter;
    }

    /**
     * The value set by {@link Builder#slowConsumerPolicy}.
     *
     * @return what a subscriber's full queue does
     */
    public SlowConsumerPolicy slowConsumerPolicy() {
        return slowConsumerPolicy;
    }

    /**
     * The value set by {@link Builder#redis}.
     *
     * @return the Redis the events are kept in, or {@code null}: this process's memory
     */
    public RedisOptions redis() {
        return redis;
    }

    /**
     * The value set by {@link Builder#postgres}.
     *
     * @return the PostgreSQL the events are kept in, or {@code null}
     */
    public PostgresOptions postgres() {
        return postgres;
    }

    /**
     * The value set by {@link Builder#accessPolicy}.
     *
     * @return who may subscribe, and to which events
     */
    public AccessPolicy accessPolicy() {
        return accessPolicy;
    }

    /**
     * The value set by {@link Builder#maxStreams}.
     *
     * @return how many streams may be open at once on this node
     */
    public int maxStreams() {
        return maxStreams;
    }

    /**
     * The value set by {@link Builder#maxStreamsPerCaller}.
     *
     * @return how many streams one authenticated caller may have open at once
     */
    public int maxStreamsPerCaller() {
        return maxStreamsPerCaller;
    }

    /**
     * The value set by {@link Builder#maxStreamsPerAddress}.
     *
     * @return how many streams anonymous callers from one client address may have open at once (0: not limited)
     */
    public int maxStreamsPerAddress() {
        return maxStreamsPerAddress;
    }

    /**
     * The value set by {@link Builder#maxAddressesPerSubscription}.
     *
     * @return how many addresses one subscription may name
     */
    public int maxAddressesPerSubscription() {
        return maxAddressesPerSubscription;
    }

    /**
     * The value set by {@link Builder#authenticationChallenge}.
     *
     * @return the {@code WWW-Authenticate} challenge of a 401
     */
    public String authenticationChallenge() {
        return authenticationChallenge;
    }

    /**
     * The value set by {@link Builder#maxAddresses}.
     *
     * @return how many addresses the registry keeps at once
     */
    public int maxAddresses() {
        return maxAddresses;
    }

    /**
     * The value set by {@link Builder#maxRecipients}.
     *
     * @return the most recipients kept at once
     */
    public int maxRecipients() {
        return maxRecipients;
    }

    /**
     * The value set by {@link Builder#scheduler}.
     *
     * @return the scheduler given to the builder, or {@code null}: the registry uses its own
     */
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /**
     * The value set by {@link Builder#presenceEvents}.
     *
     * @return how often, at most, each topic's presence changes are announced, or {@code null}: never
     */
    public Duration presenceEventsWindow() {
        return presenceEventsWindow;
    }

    /**
     * Whether a new subscriber of {@code address} without {@code Last-Event-ID} first gets the latest event (or the
     * latest of each key): set by {@link Builder#latestValue}, and true of the presence topics while
     * {@link Builder#presenceEvents} is set.
     *
     * @param address the address (not null)
     * @return whether the address is in latest-value mode
     */
    public boolean isLatestValue(Address address) {
        Objects.requireNonNull(address, "address");
        return latestValue.test(address) || presenceEventsWindow != null && Presence.describedBy(address) != null;
    }

    /**
     * The key of the values of {@code address} in latest-value mode: the one given to {@link Builder#latestValue},
     * else the {@link SlowConsumerPolicy#latestPerKey latestPerKey} policy's.
     *
     * @param address the address (not null)
     * @return the key function, or {@code null} when the address has one value (or is not in latest-value mode)
     */
    public java.util.function.Function<SseEvent, String> latestKey(Address address) {
        if (!isLatestValue(address) || Presence.describedBy(address) != null) {
            return null;
        }
        if (latestKey != null) {
            return latestKey;
        }
        return slowConsumerPolicy.kind() == SlowConsumerPolicy.Kind.LATEST_PER_KEY ? slowConsumerPolicy.key() : null;
    }

    /** Builds {@link RegistryOptions}; setters check their argument and name it in the error. */
    public static final class Builder {
        private int historySize = 1000;
        private Duration historyAge = Duration.ofHours(1);
        private int offlineQueueSize = 1000;
        private Duration offlineQueueAge = Duration.ofHours(1);
        private int subscriberQueueSize = 1024;
        private int historyBytes = 1 << 20;
        private int offlineQueueBytes = 1 << 20;
        private int subscriberQueueBytes = 1 << 20;
        private int maxEventSize = 64 << 10;
        private Duration maxStreamAge;
        private Duration maxStreamAgeJitter = Duration.ZERO;
        private SlowConsumerPolicy slowConsumerPolicy = SlowConsumerPolicy.disconnect();
        private AccessPolicy accessPolicy = AccessPolicy.recipientIsPrincipal();
        private int maxAddresses = 10_000;
        private int maxRecipients = 10_000;
        private Pattern addressNames = DEFAULT_ADDRESS_NAMES;
        private List<String> roles = List.of();
        private String authenticationChallenge = "Bearer";
        private int maxStreams = 10_000;
        private int maxStreamsPerCaller = 100;
        private int maxAddressesPerSubscription = 100;
        private int maxStreamsPerAddress;
        private ScheduledExecutorService scheduler;
        private StreamOptions streamOptions = StreamOptions.defaults();
        private RedisOptions redis;
        private Duration presenceEventsWindow;
        private java.util.function.Predicate<Address> latestValue = address -> false;
        private boolean latestValueGiven;
        private java.util.function.Function<SseEvent, String> latestKey;
        private PostgresOptions postgres;

        private Builder() {
        }

        /**
         * Announces the presence changes of each topic on its presence topic ({@link Presence#eventsOf}):
         * {@code event: presence}, data {@code {"count": n, "joined": [names], "left": [names]}} (the count on
         * every node; the authenticated callers whose first stream of the topic opened, or last one closed, on the
         * announcing node). Changes are coalesced: the first one schedules an event one {@code window} later, and
         * every change until then rides on it, so a reconnect storm makes one event per window and node, or none
         * when the streams are back in time. The presence topic is in latest-value mode (a new subscriber first
         * gets the current count) and subscribing to it needs the access policy's consent for the topic too.
         * Default: no presence events.
         *
         * @param window how often, at most, each topic's changes are announced per node (positive; 1 s is a
         *     good start)
         * @return this builder
         */
        public Builder presenceEvents(Duration window) {
            presenceEventsWindow = positive("presence events window", window);
            return this;
        }

        /**
         * Latest-value mode for the addresses {@code where} accepts: a subscriber without {@code Last-Event-ID}
         * first gets the latest retained event of the address (a job's state, a dashboard tile), then live ones;
         * with an id, the usual replay. When the {@link #slowConsumerPolicy} is
         * {@link SlowConsumerPolicy#latestPerKey latestPerKey}, the latest event of each of its keys, in id order.
         * The latest events are taken from the history, so give such addresses a history that outlives their
         * values (its age) and holds every key (its size).
         *
         * <pre>{@code
         * RegistryOptions.builder().latestValue(address -> address.name().startsWith("job-")).build();
         * }</pre>
         *
         * @param where which addresses (not null)
         * @return this builder
         */
        public Builder latestValue(java.util.function.Predicate<Address> where) {
            latestValue = Objects.requireNonNull(where, "latestValue");
            latestValueGiven = true;
            latestKey = null;
            return this;
        }

        /**
         * Latest-value mode with values of their own key: a subscriber without {@code Last-Event-ID} of an address
         * {@code where} accepts first gets the latest retained event of each key (the price of every symbol), in id
         * order, then live ones; with an id, the usual replay. Events with equal keys, {@code null} included,
         * replace one another (as in {@link SlowConsumerPolicy#latestPerKey}).
         *
         * <pre>{@code
         * RegistryOptions.builder().latestValue(a -> a.name().equals("prices"), event -> event.event()).build();
         * }</pre>
         *
         * @param where which addresses (not null)
         * @param key the key of an event (not null; called on subscribing threads)
         * @return this builder
         */
        public Builder latestValue(java.util.function.Predicate<Address> where,
                java.util.function.Function<SseEvent, String> key) {
            latestValue = Objects.requireNonNull(where, "latestValue");
            latestValueGiven = true;
            latestKey = Objects.requireNonNull(key, "key");
            return this;
        }

        /**
         * How many events, and for how long, each address retains for replay (0 events: no replay).
         *
         * @param size how many events each address keeps for replay (0 or more; 0: no replay)
         * @param age how long each event is kept (positive)
         * @return this builder
         */
        public Builder history(int size, Duration age) {
            historySize = notNegative("history size", size);
            historyAge = positive("history age", age);
            return this;
        }

        /**
         * How many events, and for how long, wait for a recipient that has no open connection.
         *
         * @param size how many events wait per recipient (0 or more; 0: none wait, they are dropped)
         * @param age how long each event waits (positive)
         * @return this builder
         */
        public Builder offlineQueue(int size, Duration age) {
            offlineQueueSize = notNegative("offline queue size", size);
            offlineQueueAge = positive("offline queue age", age);
            return this;
        }

        /**
         * The capacity of each subscriber's queue (at least 1).
         *
         * @param size how many events each subscriber's queue holds (at least 1)
         * @return this builder
         */
        public Builder subscriberQueue(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("subscriber queue size must be at least 1: " + size);
            }
            subscriberQueueSize = size;
            return this;
        }

        /**
         * How many bytes of events each address retains for replay at most (default 1 MiB), besides the count of
         * {@link #history}; an event's size is the length of its encoding. Beyond it the oldest events go, as
         * beyond the count (a resume from before them gets {@code replay-incomplete}); the newest is always kept.
         * With Redis the history is bounded by its count, so by count times {@link #maxEventSize} in bytes.
         *
         * @param bytes the most bytes retained per address (at least 1)
         * @return this builder
         */
        public Builder historyBytes(int bytes) {
            historyBytes = atLeastOne("historyBytes", bytes);
            return this;
        }

        /**
         * How many bytes of events wait for a recipient with no open connection at most (default 1 MiB), besides
         * the count of {@link #offlineQueue}. Beyond it the oldest go, and the recipient's next connect starts with
         * {@code replay-incomplete} (counted as dropped); the newest is always kept. With Redis the queue is bounded
         * by its count, so by count times {@link #maxEventSize} in bytes.
         *
         * @param bytes the most bytes waiting per recipient (at least 1)
         * @return this builder
         */
        public Builder offlineQueueBytes(int bytes) {
            offlineQueueBytes = atLeastOne("offlineQueueBytes", bytes);
            return this;
        }

        /**
         * How many bytes of events each subscriber's queue holds at most (default 1 MiB, as Centrifugo bounds a
         * client's queue), besides the count of {@link #subscriberQueue}; on Redis too. An event that would go past
         * it applies the {@link #slowConsumerPolicy} as a full queue does; an event reaches an empty queue
         * whatever its size.
         *
         * @param bytes the most bytes queued per subscriber (at least 1)
         * @return this builder
         */
        public Builder subscriberQueueBytes(int bytes) {
            subscriberQueueBytes = atLeastOne("subscriberQueueBytes", bytes);
            return this;
        }

        /**
         * The largest event {@code publish} accepts (default 64 KiB, the message limit of hosted services such as
         * Ably): the length of its encoding, before the registry gives it an id. A larger one is refused with an
         * {@link EventTooLargeException} that names both sizes, which {@link BroadcastFeature} maps to {@code 413}
         * with a JSON reason; nothing is stored.
         *
         * @param bytes the largest event accepted, in bytes (at least 1)
         * @return this builder
         */
        public Builder maxEventSize(int bytes) {
            maxEventSize = atLeastOne("maxEventSize", bytes);
            return this;
        }

        /**
         * Ends every subscriber stream after at most {@code age}, less a random part of {@code jitter} chosen per
         * stream (default: no maximum age), after {@code event: stream-expired} (no id, so the client's
         * {@code Last-Event-ID} stays that of the last real event). A browser reconnects with it and misses
         * nothing; the reconnect passes the access policy again, so access revoked meanwhile takes effect, and the
         * jitter spreads the reconnects of streams opened together (a rolling deploy). Counted as
         * {@code MAX_STREAM_AGE} in {@code stats().disconnects()}.
         *
         * @param age the longest life of a stream (positive)
         * @param jitter how much earlier a stream may end, uniformly at random (zero or more, less than {@code age})
         * @return this builder
         */
        public Builder maxStreamAge(Duration age, Duration jitter) {
            positive("maxStreamAge", age);
            Objects.requireNonNull(jitter, "jitter");
            if (jitter.isNegative() || jitter.compareTo(age) >= 0) {
                throw new IllegalArgumentException("maxStreamAge jitter must be zero or more and less than the age "
                        + age + ": " + jitter);
            }
            maxStreamAge = age;
            maxStreamAgeJitter = jitter;
            return this;
        }

        /**
         * What a subscriber's full queue does (default: disconnect that subscriber).
         *
         * @param policy the policy (not null)
         * @return this builder
         */
        public Builder slowConsumerPolicy(SlowConsumerPolicy policy) {
            slowConsumerPolicy = Objects.requireNonNull(policy, "slowConsumerPolicy");
            return this;
        }

        /**
         * Who may subscribe (default: topics anyone, recipients only their own principal).
         *
         * @param policy the policy (not null)
         * @return this builder
         */
        public Builder accessPolicy(AccessPolicy policy) {
            accessPolicy = Objects.requireNonNull(policy, "accessPolicy");
            return this;
        }

        /**
         * How many topics the registry keeps at once (default 10,000). Beyond it, the least recently used topic
         * without subscribers is evicted with its history; a later {@code Last-Event-ID} for it gets
         * {@code replay-incomplete}. Topics with subscribers are never evicted, and topics never evict recipients
         * (see {@link #maxRecipients}).
         *
         * @param max the most topics kept at once (at least 1)
         * @return this builder
         */
        public Builder maxAddresses(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("max addresses must be at least 1: " + max);
            }
            maxAddresses = max;
            return this;
        }

        /**
         * How many recipients the registry keeps at once (default 10,000), counted apart from topics, so that no
         * number of topics pushes a recipient's waiting events out. Beyond it, the least recently used recipient
         * without subscribers is evicted with its history and offline queue; its next connect (with or without
         * {@code Last-Event-ID}) starts with {@code replay-incomplete}. Recipients with subscribers are never evicted.
         *
         * @param max the most recipients kept at once (at least 1)
         * @return this builder
         */
        public Builder maxRecipients(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("max recipients must be at least 1: " + max);
            }
            maxRecipients = max;
            return this;
        }

        /**
         * The topic and recipient names the registry accepts (default {@link #DEFAULT_ADDRESS_NAMES}); names come
         * from URLs, so keep this tight. Others are refused (400 on subscribe, {@code IllegalArgumentException} on
         * publish) before any state exists for them.
         *
         * @param names the pattern a whole name must match (not null)
         * @return this builder
         */
        public Builder addressNames(Pattern names) {
            addressNames = Objects.requireNonNull(names, "addressNames");
            return this;
        }

        /**
         * How many streams of the registry may be open at once on this node, whoever the callers (default 10,000:
         * above the 5,000 subscribers of the benchmarks, below what a default file-descriptor limit of 65,536 and
         * the subscriber queues' memory allow). Beyond it, {@code open()} answers {@code 429} with
         * {@code Retry-After} and a JSON reason; open streams go on.
         *
         * @param max the most streams open at once on this node (at least 1)
         * @return this builder
         */
        public Builder maxStreams(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxStreams must be at least 1: " + max);
            }
            maxStreams = max;
            return this;
        }

        /**
         * How many streams of the registry one authenticated caller (by principal name) may have open at once
         * (default 100: a user's browser tabs, on HTTP/1.1 at most 6 connections each, or one HTTP/2 connection's
         * concurrent streams). Beyond it, {@code open()} answers {@code 429} with {@code Retry-After} and a JSON
         * reason; the caller's other streams go on. Counted from {@code open()} until the stream closes; anonymous
         * callers are not counted (see the security guide).
         *
         * @param max the most streams one authenticated caller may have open (at least 1)
         * @return this builder
         */
        public Builder maxStreamsPerCaller(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxStreamsPerCaller must be at least 1: " + max);
            }
            maxStreamsPerCaller = max;
            return this;
        }

        /**
         * How many streams anonymous callers from one client address (as the container sees it: Grizzly's or the
         * servlet request's remote address) may have open at once; 0, the default, does not count them. Behind a
         * reverse proxy every client has the proxy's address, so this limit would be shared by all: set it only
         * when the server sees the clients' own addresses. Beyond it: {@code 429} with {@code Retry-After}.
         *
         * @param max the most streams of anonymous callers per client address (0: not counted)
         * @return this builder
         */
        public Builder maxStreamsPerAddress(int max) {
            if (max < 0) {
                throw new IllegalArgumentException("maxStreamsPerAddress must not be negative: " + max);
            }
            maxStreamsPerAddress = max;
            return this;
        }

        /**
         * How many distinct addresses one subscription may name (default 100): each is a lookup per event and a
         * slot that eviction cannot free while subscribed. Beyond it, {@code open()} answers {@code 400}.
         *
         * @param max the most addresses one subscription may name (at least 1)
         * @return this builder
         */
        public Builder maxAddressesPerSubscription(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxAddressesPerSubscription must be at least 1: " + max);
            }
            maxAddressesPerSubscription = max;
            return this;
        }

        /**
         * The {@code WWW-Authenticate} challenge sent with the {@code 401} that an anonymous caller gets when the
         * access policy refuses it (default {@code Bearer}; for example {@code Basic realm="news"}). An
         * authenticated caller refused gets {@code 403}.
         *
         * @param challenge the challenge, a header value such as {@code Bearer} or {@code Basic realm="news"}
         * @return this builder
         */
        public Builder authenticationChallenge(String challenge) {
            Objects.requireNonNull(challenge, "authenticationChallenge");
            if (challenge.isBlank() || challenge.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new IllegalArgumentException("authenticationChallenge must be a non-blank header value "
                        + "without control characters: \"" + challenge.replace("\r", "\\r").replace("\n", "\\n")
                        + "\"");
            }
            authenticationChallenge = challenge;
            return this;
        }

        /**
         * Roles checked when a subscription opens, so that the {@link AccessPolicy} may ask {@link Caller#hasRole}.
         *
         * @param roles the role names, none null; they replace any set before, and a repeated one counts once
         * @return this builder
         */
        public Builder roles(String... roles) {
            for (String role : roles) {
                Objects.requireNonNull(role, "role");
            }
            this.roles = List.copyOf(new java.util.LinkedHashSet<>(java.util.Arrays.asList(roles)));
            return this;
        }

        /**
         * The scheduler that expires histories and offline queues on time (default: the registry's own, with one
         * thread that exists only while something waits to expire). The registry never shuts down a scheduler it
         * was given.
         *
         * @param scheduler the scheduler to use (not null)
         * @return this builder
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * Options of every subscriber stream (pings, send timeout, farewell event, ...).
         *
         * @param options the options of each subscriber stream (not null)
         * @return this builder
         */
        public Builder streamOptions(StreamOptions options) {
            streamOptions = Objects.requireNonNull(options, "streamOptions");
            return this;
        }

        /**
         * Keeps the registry's events in Redis Streams, so that every node on that Redis sees every event, and
         * {@code Last-Event-ID} and offline queues work across nodes and restarts. The history and offline-queue
         * sizes and ages of these options apply to the Redis streams (a history of at least 1: the stream also
         * carries live events to the other nodes). Needs {@code io.lettuce:lettuce-core} on the class path.
         *
         * <pre>{@code
         * RegistryOptions.builder().redis(RedisOptions.builder("redis://redis:6379").build()).build();
         * }</pre>
         *
         * @param options where and how to reach Redis (not null)
         * @return this builder
         */
        public Builder redis(RedisOptions options) {
            redis = Objects.requireNonNull(options, "redis");
            return this;
        }

        /**
         * Keeps the registry's events in PostgreSQL tables, so that every node on that database sees every event,
         * {@code Last-Event-ID} and offline queues work across nodes and restarts, and the application can publish
         * inside its own JDBC transaction ({@link EventRegistry#publish(java.sql.Connection, Address,
         * dev.ssejaxrs.event.SseEvent)}). The history and offline-queue sizes and ages of these options apply to
         * the tables. Needs {@code org.postgresql:postgresql} on the class path.
         *
         * <pre>{@code
         * RegistryOptions.builder().postgres(PostgresOptions.builder(dataSource::getConnection).build()).build();
         * }</pre>
         *
         * @param options where and how to reach PostgreSQL (not null)
         * @return this builder
         */
        public Builder postgres(PostgresOptions options) {
            postgres = Objects.requireNonNull(options, "postgres");
            return this;
        }

        /**
         * Shorthand for {@code redis(RedisOptions.builder(uri).build())}.
         *
         * @param uri the Redis URI, {@code redis://host:port} or {@code rediss://} for TLS
         * @return this builder
         */
        public Builder redis(String uri) {
            return redis(RedisOptions.builder(uri).build());
        }

        /**
         * The options.
         *
         * @return new options with the values set on this builder
         * @throws IllegalStateException when both {@code redis} and {@code postgres} were given, or {@code postgres}
         *     with {@code presenceEvents} or {@code latestValue} (the PostgreSQL store keeps neither presence nor
         *     latest values yet)
         */
        public RegistryOptions build() {
            if (redis != null && postgres != null) {
                throw new IllegalStateException("a registry keeps its events in one place: redis(...) and "
                        + "postgres(...) were both given");
            }
            if (postgres != null && (presenceEventsWindow != null || latestValueGiven)) {
                throw new IllegalStateException("the PostgreSQL store does not keep presence or latest values yet:"
                        + " leave out presenceEvents(...) and latestValue(...) with postgres(...)");
            }
            return new RegistryOptions(this);
        }

        private static int atLeastOne(String name, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(name + " must be at least 1: " + value);
            }
            return value;
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
