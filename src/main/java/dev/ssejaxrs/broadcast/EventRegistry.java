package dev.ssejaxrs.broadcast;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.internal.core.ClassPresence;
import dev.ssejaxrs.internal.core.ItemEncoder;
import dev.ssejaxrs.internal.jersey.InvalidAddressMapper;
import dev.ssejaxrs.internal.postgres.PostgresChannelStore;
import dev.ssejaxrs.internal.redis.RedisChannelStore;
import dev.ssejaxrs.internal.store.ChannelStore;
import dev.ssejaxrs.internal.store.ConnectionQueue;
import dev.ssejaxrs.internal.store.EventBytes;
import dev.ssejaxrs.internal.store.MemoryChannelStore;
import dev.ssejaxrs.stream.CloseReason;
import dev.ssejaxrs.stream.EventStream;
import dev.ssejaxrs.stream.StreamOptions;

/**
 * Topics and recipients of one application: publish to them, subscribe to one or several of them on one stream,
 * with replay of missed events. {@link BroadcastFeature} makes one per application; inject it with
 * {@code @Context EventRegistry registry}.
 *
 * <pre>{@code
 * @GET @Path("news") @Produces(MediaType.SERVER_SENT_EVENTS)
 * public EventStream news(@HeaderParam("Last-Event-ID") String lastEventId, @Context SecurityContext security) {
 *     return registry.subscribe(Address.topic("news"), Address.topic("sport"))
 *             .lastEventId(lastEventId).caller(security).open();
 * }
 *
 * registry.publish(Address.topic("news"), SseEvent.of("hello"))
 *         .thenAccept(d -> log.info("event " + d.id() + " to " + d.delivered() + " subscribers"));
 * }</pre>
 *
 * <p>Every published event gets an id unless it has one: {@code <epoch-millis>-<sequence>}, increasing across all
 * addresses and across restarts of the application. Each address keeps a bounded history that answers
 * {@code Last-Event-ID}; memory stays bounded (idle addresses go, at most {@code maxAddresses} are kept, histories
 * expire on time). Each subscriber has its own bounded queue, so a slow one never delays the others; a published
 * event is encoded once and the same bytes go to every subscriber. Thread-safe.
 *
 * <p><b>Objects as JSON.</b> Publish an object as {@code SseEvent.json(order)} (or
 * {@code SseEvent.builder().event("order").jsonData(order).build()}): the registry writes it, once, with the JSON
 * provider of the application that serves it through {@link BroadcastFeature} (Jackson, JSON-B: the order the
 * application's streams use), from whichever thread publishes, so a timer thread publishes the same JSON as the
 * application's responses. Until that application has started (and for a registry no application serves) a
 * registry in memory keeps the value, and the streams that send the event write it, once; on Redis the library's
 * JSON-B writes it then. Where nothing can write JSON, {@code publish} throws an {@link IllegalStateException} that
 * says what to add.
 *
 * <p>With {@link RegistryOptions.Builder#redis redis(...)} the addresses live in Redis Streams instead, shared by
 * every node on that Redis: the same API and behaviour, ids given by Redis, and {@code publish} completing once
 * Redis stored the event (see the README's "Several nodes"). With {@link RegistryOptions.Builder#postgres
 * postgres(...)} they live in PostgreSQL tables, the same way, and {@link #publish(Connection, Address, SseEvent)}
 * publishes inside the application's own transaction.
 */
public final class EventRegistry implements AutoCloseable {
    /** The shortest {@code retry:} sent when the store cannot serve a subscription (Redis away). */
    public static final Duration RETRY_MIN = Duration.ofSeconds(5);
    /** The longest {@code retry:} sent when the store cannot serve a subscription. */
    public static final Duration RETRY_MAX = Duration.ofSeconds(30);

    /** The {@code Retry-After} of a 429 for {@code maxStreamsPerCaller}, in seconds. */
    private static final String RETRY_AFTER_LIMIT = "10";
    private static final int TOO_MANY_REQUESTS = 429;

    /** The limits {@link #refusals()} counts, by their option's name. */
    public static final List<String> LIMITS = List.of("maxStreams", "maxStreamsPerCaller", "maxStreamsPerAddress",
            "maxAddressesPerSubscription", "maxEventSize");

    /**
     * The reasons {@code stats().disconnects()} counts besides the {@link CloseReason}s: {@code SLOW_CONSUMER},
     * {@code CREDENTIALS_EXPIRED}, {@code MAX_STREAM_AGE}.
     */
    public static final List<String> OWN_DISCONNECT_REASONS = List.of("SLOW_CONSUMER", "CREDENTIALS_EXPIRED",
            "MAX_STREAM_AGE");

    /** The last event of a stream whose caller's credentials expired; no id, so a resume loses nothing. */
    static final SseEvent CREDENTIALS_EXPIRED = SseEvent.builder().event("credentials-expired")
            .data("the credentials of this stream expired: refresh them, then reconnect with Last-Event-ID").build();
    /** The last event of a stream that reached its maximum age; no id, so a resume loses nothing. */
    static final SseEvent STREAM_EXPIRED = SseEvent.builder().event("stream-expired")
            .data("this stream reached its maximum age: reconnect with Last-Event-ID").build();

    /** How long a subscription waits for the latest values of its latest-value addresses (Redis). */
    private static final Duration LATEST_LIMIT = Duration.ofSeconds(10);

    /** How many addresses {@link #stats()} lists at most. */
    public static final int BUSIEST = 50;
    /** A class of Lettuce, the Redis client the registry on Redis needs. */
    private static final String LETTUCE = "io.lettuce.core.RedisClient";
    /** A class of pgjdbc, the driver the registry on PostgreSQL needs. */
    private static final String PGJDBC = "org.postgresql.PGConnection";

    private final RegistryOptions options;
    final ChannelStore store;
    private final Map<String, LongAdder> disconnects = new ConcurrentHashMap<>();
    /** Writes the JSON data of published events: the serving application's providers once it has started. */
    private volatile ItemEncoder json = ItemEncoder.DEFAULT;
    /** Open streams per authenticated caller, for {@code maxStreamsPerCaller}; an entry goes at zero. */
    private final ConcurrentHashMap<String, Integer> streamsByCaller = new ConcurrentHashMap<>();
    /** Subscriptions refused by each limit, by the option's name (see {@link #LIMITS}). */
    private final Map<String, LongAdder> refusals = new ConcurrentHashMap<>();
    /** The client address of the current request (set by {@link BroadcastFeature}; null outside a request). */
    private volatile Supplier<String> remoteAddresses = () -> null;
    /** Made on the first caller with an expiry when the options name no scheduler; shut down on close. */
    private ScheduledExecutorService ownExpiries;
    /** Open streams of this registry, for {@code maxStreams}. */
    private final java.util.concurrent.atomic.AtomicInteger streams = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * A registry with {@code options}: kept in this process's memory, or in Redis or PostgreSQL when the options
     * name one ({@linkplain RegistryOptions.Builder#redis redis}, {@linkplain RegistryOptions.Builder#postgres
     * postgres}).
     *
     * @param options how the registry keeps and delivers events (not null)
     * @throws dev.ssejaxrs.redis.RedisUnavailableException when Redis is configured but cannot be reached
     * @throws dev.ssejaxrs.postgres.PostgresUnavailableException when PostgreSQL is configured but cannot be
     *     reached
     * @throws IllegalStateException when Redis is configured and Lettuce is not on the class path, or PostgreSQL and
     *     pgjdbc is not
     */
    public EventRegistry(RegistryOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        // RedisChannelStore (and with it Lettuce), PostgresChannelStore (and pgjdbc) load only when configured
        this.store = options.redis() != null ? onRedis(options)
                : options.postgres() != null ? onPostgres(options) : new MemoryChannelStore(options);
    }

    private static ChannelStore onPostgres(RegistryOptions options) {
        if (!ClassPresence.present(PGJDBC)) {
            throw new IllegalStateException("the registry is configured for PostgreSQL (RegistryOptions.postgres) but "
                    + "pgjdbc is not on the class path: add org.postgresql:postgresql (42.x), or leave PostgreSQL out "
                    + "of the options for a registry in memory");
        }
        return PostgresChannelStore.open(options);
    }

    private static ChannelStore onRedis(RegistryOptions options) {
        if (!ClassPresence.present(LETTUCE)) {
            throw new IllegalStateException("the registry is configured for Redis (RegistryOptions.redis) but Lettuce "
                    + "is not on the class path: add io.lettuce:lettuce-core (7.x), or leave Redis out of the options "
                    + "for a registry in memory");
        }
        return RedisChannelStore.open(options);
    }

    /**
     * The options of this registry.
     *
     * @return the options it was made with
     */
    public RegistryOptions options() {
        return options;
    }

    /**
     * Publishes {@code event} to {@code address}: into every current subscriber's queue, into the history and, for a
     * recipient with no open connection, into its offline queue.
     *
     * @param address the topic or recipient (not null)
     * @param event the event (not null); without an id it gets one
     * @return completes once the event is in every current subscriber's queue, with the counts; on Redis, once
     *     Redis has stored it (then every node's reader hands it to that node's subscribers, and
     *     {@link Delivery#delivered()} is 0), or fails at once with
     *     {@link dev.ssejaxrs.redis.RedisUnavailableException} while Redis is away (nothing is buffered); Redis
     *     completes the stage on its I/O thread: continue with non-blocking work only
     * @throws InvalidAddressException when the address name is not one the options accept (a resource method
     *     that lets it through answers 400 with JSON, see {@link BroadcastFeature})
     * @throws EventTooLargeException when the event's encoding is larger than the options'
     *     {@linkplain RegistryOptions.Builder#maxEventSize maxEventSize} (a resource method that lets it through
     *     answers 413 with JSON); nothing is stored
     * @throws IllegalArgumentException when the application's JSON provider fails on the value of an
     *     {@code SseEvent.json(value)}
     * @throws IllegalStateException when the event's data is {@code SseEvent.json(value)} and nothing can write JSON
     */
    public CompletionStage<Delivery> publish(Address address, SseEvent event) {
        options.checkName(address);
        Objects.requireNonNull(event, "event");
        SseEvent written = withJson(event); // JSON written once, for every subscriber and node
        int size = EventBytes.of(written);
        if (size > options.maxEventSize()) {
            refused("maxEventSize");
            throw new EventTooLargeException(address, size, options.maxEventSize());
        }
        return store.append(address, written);
    }

    /**
     * Publishes {@code event} to {@code address} inside the application's transaction open on {@code transaction}
     * (a registry on {@linkplain RegistryOptions.Builder#postgres PostgreSQL}, that connection to the same
     * database): subscribers on every node get the event if and only if the transaction commits, with an id given
     * at the commit, so ids never go backwards for a resuming client whatever order transactions commit in. The
     * outbox pattern without a relay:
     *
     * <pre>{@code
     * try (Connection c = dataSource.getConnection()) {
     *     c.setAutoCommit(false);
     *     long id = insertOrder(c, order);
     *     registry.publish(c, Address.topic("orders"), SseEvent.json(order));
     *     c.commit();                  // now, and only now, subscribers see it
     * }
     * }</pre>
     *
     * In auto-commit mode the insert is its own transaction and the event is seen at once. The event's id is given
     * at the commit and replaces an id it carried; the event is not queued in memory, so there is nothing to await.
     *
     * @param transaction the application's connection, in its transaction (not null)
     * @param address the topic or recipient (not null)
     * @param event the event (not null)
     * @throws SQLException when the database refuses the insert (the transaction is then the application's to
     *     roll back)
     * @throws InvalidAddressException when the address name is not one the options accept
     * @throws IllegalArgumentException when a field of the event holds NUL, which PostgreSQL text cannot keep
     * @throws IllegalStateException when the registry is not on PostgreSQL, or is closed
     */
    public void publish(Connection transaction, Address address, SseEvent event) throws SQLException {
        Objects.requireNonNull(transaction, "transaction");
        options.checkName(address);
        Objects.requireNonNull(event, "event");
        store.appendInTransaction(transaction, address, withJson(event));
    }

    /**
     * The event with its JSON data written by the serving application. Before that application has started, a
     * registry in memory keeps the value: the application's streams write it when they send it (once, shared by all
     * of them); on Redis the text must be stored now, so the library's JSON-B writes it.
     */
    private SseEvent withJson(SseEvent event) {
        ItemEncoder writer = json;
        if (writer != ItemEncoder.DEFAULT) {
            return writer.withJson(event);
        }
        if (options.redis() == null && options.postgres() == null) {
            return event;
        }
        try {
            return writer.withJson(event);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("no application that serves this registry on "
                    + (options.redis() != null ? "Redis" : "PostgreSQL") + " (BroadcastFeature) has started yet, so "
                    + "its JSON provider cannot write the event for the other nodes: publish once the application "
                    + "runs, or let JSON-B write it: " + e.getMessage(), e);
        }
    }

    /** From now on, JSON data is written by the application that serves this registry (its {@code Providers}). */
    void writeJsonWith(ItemEncoder applicationJson) {
        json = Objects.requireNonNull(applicationJson, "applicationJson");
    }

    /**
     * Publishes to a topic.
     *
     * @param topic the topic name
     * @param event the event (not null); without an id it gets one
     * @return as {@link #publish(Address, SseEvent)}
     */
    public CompletionStage<Delivery> publish(String topic, SseEvent event) {
        return publish(Address.topic(topic), event);
    }

    /**
     * Publishes to every open connection of a recipient, or to its offline queue while it has none.
     *
     * @param recipient the recipient id (a user or client id)
     * @param event the event (not null); without an id it gets one
     * @return as {@link #publish(Address, SseEvent)}
     */
    public CompletionStage<Delivery> publishToRecipient(String recipient, SseEvent event) {
        return publish(Address.recipient(recipient), event);
    }

    /**
     * Ends the streams of every current subscriber of {@code address}, after the events already queued for them:
     * browsers reconnect by themselves with {@code Last-Event-ID} and catch up from the history (to move clients
     * to another node, or to make them re-authenticate).
     *
     * @param address the topic or recipient (not null)
     * @return how many subscribers were disconnected
     */
    public int disconnectAll(Address address) {
        return store.disconnectAll(Objects.requireNonNull(address, "address"));
    }

    /**
     * Ends {@code address}: as {@link #complete(Address, SseEvent)} without a last event of its own (its subscribers
     * get an event with only an id, which browsers do not dispatch, then the end).
     *
     * @param address the topic or recipient (not null)
     * @return as {@link #complete(Address, SseEvent)}
     * @throws InvalidAddressException when the address name is not one the options accept
     */
    public CompletionStage<Delivery> complete(Address address) {
        return complete(address, null);
    }

    /**
     * Ends {@code address} after {@code last}: the event is published (with the registry's id, never one of its
     * own), then every current subscriber's stream, on every node, ends after it. For the history age that follows,
     * the address is complete: publishing to it fails, a new subscription answers 204 (the status that tells a
     * browser's {@code EventSource} to stop reconnecting), and one that resumes from an earlier
     * {@code Last-Event-ID} gets what it missed, {@code last}, then the end. Then the registry forgets the address,
     * with its history. A background job's progress, say:
     *
     * <pre>{@code
     * registry.publish(Address.topic("job-" + id), SseEvent.builder().event("progress").data("3/10").build());
     * registry.complete(Address.topic("job-" + id), SseEvent.builder().event("done").data("10/10").build());
     * }</pre>
     *
     * @param address the topic or recipient (not null)
     * @param last the last event ({@code null}: an event with only its id)
     * @return completes once the last event is stored, with its id ({@link Delivery#delivered()} counts the
     *     subscribers here that get it, 0 on Redis); fails with an {@link IllegalStateException} when the address
     *     is complete already, and on Redis as {@link #publish} does
     * @throws InvalidAddressException when the address name is not one the options accept
     * @throws IllegalStateException when {@code last} has JSON data and nothing can write JSON
     */
    public CompletionStage<Delivery> complete(Address address, SseEvent last) {
        return complete(address, last, options.historyAge());
    }

    /** As {@link #complete(Address, SseEvent)}, keeping the complete address for {@code kept}. */
    CompletionStage<Delivery> complete(Address address, SseEvent last, Duration kept) {
        options.checkName(address);
        return store.complete(address, last == null ? null : withJson(last), Objects.requireNonNull(kept, "kept"));
    }

    /**
     * Starts a subscription to one or several addresses, delivered on one stream in publish order;
     * {@link SubscriptionBuilder#open()} makes the stream.
     *
     * @param addresses the addresses (at least one, none null; a repeated one counts once)
     * @return the subscription, to complete and {@link SubscriptionBuilder#open() open}
     */
    public SubscriptionBuilder subscribe(Address... addresses) {
        return subscribe(Arrays.asList(addresses));
    }

    /**
     * Starts a subscription to {@code addresses} (at least one), delivered on one stream in publish order.
     *
     * @param addresses the addresses (at least one, none null; a repeated one counts once)
     * @return the subscription, to complete and {@link SubscriptionBuilder#open() open}
     */
    public SubscriptionBuilder subscribe(Collection<Address> addresses) {
        Objects.requireNonNull(addresses, "addresses");
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("subscribe to at least one address");
        }
        List<Address> distinct = new ArrayList<>(new LinkedHashSet<>(addresses));
        distinct.forEach(a -> Objects.requireNonNull(a, "address"));
        return new SubscriptionBuilder(distinct);
    }

    /**
     * Totals of the registry and its {@value #BUSIEST} busiest addresses: small whatever the number of addresses.
     *
     * @return a snapshot of the counts, taken now
     */
    public RegistryStats stats() {
        Map<String, Long> byReason = new TreeMap<>();
        disconnects.forEach((reason, count) -> byReason.put(reason, count.sum()));
        return store.stats(BUSIEST, byReason);
    }

    /**
     * How many subscriptions (or, for {@code maxEventSize}, publishes) each limit refused since the registry was
     * made, by the option's name: every one of {@link #LIMITS}, zeros included (the metric
     * {@code sse.registry.refused}).
     *
     * @return the refusals by limit name, in the order of {@link #LIMITS}
     */
    public Map<String, Long> refusals() {
        Map<String, Long> counts = new java.util.LinkedHashMap<>();
        for (String limit : LIMITS) {
            LongAdder count = refusals.get(limit);
            counts.put(limit, count == null ? 0L : count.sum());
        }
        return counts;
    }

    private void refused(String limit) {
        refusals.computeIfAbsent(limit, l -> new LongAdder()).increment();
    }

    /**
     * Counts of one address (zeros when the registry keeps nothing of it).
     *
     * @param address the topic or recipient (not null)
     * @return a snapshot of its counts, taken now
     */
    public AddressStats stats(Address address) {
        return store.stats(Objects.requireNonNull(address, "address"));
    }

    /**
     * How many streams of {@code address} are open now, on every node (public: no names).
     *
     * @param address the topic or recipient (not null)
     * @return completes with the count ({@link Presence#callers()} empty): at once in memory, after one round trip
     *     on Redis (failing with {@link dev.ssejaxrs.redis.RedisUnavailableException} while Redis is away)
     * @throws InvalidAddressException when the address name is not one the options accept
     */
    public CompletionStage<Presence> presence(Address address) {
        return presence(address, false);
    }

    /**
     * Who has streams of {@code address} open now, on every node: the count and, when the access policy lets
     * {@code viewer} subscribe to the address, the authenticated callers with their streams each (presence details
     * are guarded like events; counts are public).
     *
     * <pre>{@code
     * boolean online = registry.presence(Address.recipient(user), Caller.of(user, Set.of()))
     *         .toCompletableFuture().join().connections() > 0; // skip the push notification
     * }</pre>
     *
     * @param address the topic or recipient (not null)
     * @param viewer who asks (not null), as for {@link SubscriptionBuilder#caller(Caller)}
     * @return completes with the presence, as {@link #presence(Address)}
     * @throws InvalidAddressException when the address name is not one the options accept
     */
    public CompletionStage<Presence> presence(Address address, Caller viewer) {
        Objects.requireNonNull(viewer, "viewer");
        return presence(address, refusal(address, viewer) == null);
    }

    private CompletionStage<Presence> presence(Address address, boolean detailed) {
        options.checkName(address);
        dev.ssejaxrs.internal.store.PresenceBook book = store.presence();
        if (book == null) {
            throw new IllegalStateException(store.getClass().getSimpleName() + " does not count presence");
        }
        return book.counts(address).thenApply(counts -> {
            int connections = counts.values().stream().mapToInt(Integer::intValue).sum();
            Map<String, Integer> callers = new TreeMap<>();
            if (detailed) {
                counts.forEach((name, n) -> {
                    if (!name.isEmpty() && n > 0) {
                        callers.put(name, n);
                    }
                });
            }
            return new Presence(address, connections, callers);
        });
    }

    /**
     * The access policy's refusal of {@code caller} for {@code address}; a presence topic
     * ({@link Presence#eventsOf}) needs the consent for the topic it describes too, since its events name callers.
     */
    private String refusal(Address address, Caller caller) {
        String refusal = options.accessPolicy().refusal(address, caller);
        Address described = Presence.describedBy(address);
        return refusal != null || described == null ? refusal : options.accessPolicy().refusal(described, caller);
    }

    /**
     * The id a page rendered now subscribes from, to miss nothing and see nothing twice: every event published
     * after this call is after it, and a subscription to these addresses (one or several on one stream) with it as
     * {@code Last-Event-ID} replays exactly those events while they are retained. Take it <em>before</em> reading
     * the state the page shows; {@link RenderCursor} puts it on the page's response.
     *
     * <pre>{@code
     * String cursor = registry.head(Address.topic("todos"));     // first the cursor,
     * List<Todo> rows = database.todos();                         // then the state the page shows
     * return RenderCursor.header(Response.ok(page(rows)), cursor).build();
     * }</pre>
     *
     * <p>An event published between the two calls is in the page and in the stream: render its key (a row id) so
     * that the page skips what it shows already, or take both under the lock that orders the writes and their
     * publishes. On Redis this is one round trip.
     *
     * @param addresses the addresses the page will subscribe to (at least one, none null)
     * @return the id to subscribe from
     * @throws IllegalArgumentException when no address is given
     * @throws InvalidAddressException when an address name is not one the options accept
     * @throws dev.ssejaxrs.redis.RedisUnavailableException when Redis is away
     */
    public String head(Address... addresses) {
        Objects.requireNonNull(addresses, "addresses");
        if (addresses.length == 0) {
            throw new IllegalArgumentException("head of at least one address");
        }
        for (Address address : addresses) {
            options.checkName(Objects.requireNonNull(address, "address"));
        }
        return store.head().toString(); // ids are one sequence across the addresses of a store
    }

    /**
     * Ends every subscriber stream (after what is queued) and drops every address; publishing afterwards throws.
     * {@link BroadcastFeature} closes the registry it made when the application stops.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (ownExpiries != null) {
                ownExpiries.shutdownNow();
            }
        }
        store.close();
    }

    /**
     * A subscription being set up: which addresses, who asks, from which event on, and an optional first event.
     * Nothing joins the addresses until the stream that {@link #open()} returns really starts streaming.
     *
     * <pre>{@code
     * registry.subscribe(Address.recipient(user)).caller(securityContext).lastEventId(header, query).open();
     * }</pre>
     */
    public final class SubscriptionBuilder {
        private final List<Address> addresses;
        private String lastEventId;
        private Caller caller = Caller.anonymous();
        private SseEvent greeting;

        private SubscriptionBuilder(List<Address> addresses) {
            this.addresses = addresses;
        }

        /**
         * Replays the retained events after this id first ({@code null} or empty: no replay).
         *
         * @param id the last event id the client saw, or {@code null}
         * @return this subscription
         */
        public SubscriptionBuilder lastEventId(String id) {
            this.lastEventId = id == null || id.isEmpty() ? null : id;
            return this;
        }

        /**
         * Takes the id from the {@code Last-Event-ID} header or, for clients that cannot set headers, a query
         * parameter; the header wins when both are given, and an empty value counts as absent.
         *
         * @param header the {@code Last-Event-ID} header's value, or {@code null}
         * @param queryParameter the query parameter's value, or {@code null}
         * @return this subscription
         */
        public SubscriptionBuilder lastEventId(String header, String queryParameter) {
            return lastEventId(header != null && !header.isEmpty() ? header : queryParameter);
        }

        /**
         * The caller, taken now from {@code securityContext} (its principal's name and the options'
         * {@linkplain RegistryOptions.Builder#roles roles}): call it while the request is current. The registry
         * never keeps the {@code SecurityContext}. Without a caller, the caller is anonymous.
         *
         * @param securityContext the request's security context ({@code null}: an anonymous caller)
         * @return this subscription
         */
        public SubscriptionBuilder caller(SecurityContext securityContext) {
            this.caller = Caller.of(securityContext, options.roles);
            return this;
        }

        /**
         * The caller, for the {@link AccessPolicy}.
         *
         * @param caller the caller (not null)
         * @return this subscription
         */
        public SubscriptionBuilder caller(Caller caller) {
            this.caller = Objects.requireNonNull(caller, "caller");
            return this;
        }

        /**
         * An event sent first, before any replay (for example {@code data: Connection established}).
         *
         * @param event the event, or {@code null} for none
         * @return this subscription
         */
        public SubscriptionBuilder greeting(SseEvent event) {
            this.greeting = event;
            return this;
        }

        /**
         * Checks the addresses and the caller and returns the stream, for the resource method to return. What
         * happens before what: {@code open()} takes the subscription's position (the newest id so far); then the
         * resource method returns and Jersey sends the response head; then the stream starts and the subscriber
         * joins its addresses, with a replay of what was published to them after that position (or after its
         * {@code Last-Event-ID}). So every event published once the client has the head, even before the join,
         * reaches it; one that is no longer retained by then makes it start with {@code replay-incomplete}. With
         * Redis, taking the position is one round trip, the join completes after a few more, and the stream ends
         * at once when Redis is away.
         *
         * <p>When an address is {@linkplain EventRegistry#complete complete} and the client has its last event (or
         * asks for no replay: no {@code Last-Event-ID}), there is nothing left to send: {@code open()} answers 204.
         *
         * @return the subscriber's stream, not yet joined to its addresses
         * @throws WebApplicationException with status 204 when an address is complete and nothing is left to send
         * @throws BadRequestException (400, with the reason as body) when an address name is not accepted
         * @throws NotAuthorizedException (401, with the options'
         *     {@linkplain RegistryOptions.Builder#authenticationChallenge challenge} in {@code WWW-Authenticate} and
         *     the reason as body) when the access policy refuses an anonymous caller
         * @throws ForbiddenException (403, with the reason as body) when the access policy refuses an
         *     authenticated caller
         */
        public EventStream open() {
            if (addresses.size() > options.maxAddressesPerSubscription()) {
                String reason = "a subscription may name at most " + options.maxAddressesPerSubscription()
                        + " addresses, not " + addresses.size();
                refused("maxAddressesPerSubscription");
                throw new BadRequestException(reason, json(Response.status(Response.Status.BAD_REQUEST), reason));
            }
            for (Address address : addresses) {
                try {
                    options.checkName(address);
                } catch (IllegalArgumentException e) {
                    throw new BadRequestException(e.getMessage(), plain(Response.Status.BAD_REQUEST, e.getMessage()));
                }
            }
            for (Address address : addresses) {
                String refusal = refusal(address, caller);
                if (refusal != null && !caller.isAuthenticated()) {
                    // RFC 9110, 15.5.2: credentials may help, and the challenge says which
                    throw new NotAuthorizedException(refusal, Response.status(Response.Status.UNAUTHORIZED)
                            .header(HttpHeaders.WWW_AUTHENTICATE, options.authenticationChallenge())
                            .type(MediaType.TEXT_PLAIN_TYPE).entity(refusal).build());
                }
                if (refusal != null) {
                    throw new ForbiddenException(refusal, plain(Response.Status.FORBIDDEN, refusal));
                }
            }
            if (endedFor(addresses, lastEventId)) {
                // RFC 9110 15.3.5 and WHATWG: a browser's EventSource stops reconnecting on 204
                throw new WebApplicationException(Response.noContent().build());
            }
            greeting = greeting == null ? null : withJson(greeting);
            if (streams.incrementAndGet() > options.maxStreams()) {
                streams.decrementAndGet();
                refused("maxStreams");
                throw tooMany("this server has " + options.maxStreams() + " streams open, the most it may: try again"
                        + " later");
            }
            String counted = caller.isAuthenticated() ? "caller " + caller.name() : null;
            if (counted != null && !reserveStream(counted, options.maxStreamsPerCaller())) {
                streams.decrementAndGet();
                refused("maxStreamsPerCaller");
                throw tooMany(counted + " has " + options.maxStreamsPerCaller()
                        + " streams open, the most it may: close one first");
            }
            if (counted == null && options.maxStreamsPerAddress() > 0) {
                String address = remoteAddresses.get();
                counted = address == null ? null : "address " + address;
                if (counted != null && !reserveStream(counted, options.maxStreamsPerAddress())) {
                    streams.decrementAndGet();
                    refused("maxStreamsPerAddress");
                    throw tooMany("anonymous callers from " + counted + " have " + options.maxStreamsPerAddress()
                            + " streams open, the most they may: close one first");
                }
            }
            Instant expiry = caller.expiresAt();
            if (expiry != null && !expiry.isAfter(Instant.now())) {
                releaseCounted(counted);
                String reason = "the credentials of " + caller.name() + " expired at " + expiry;
                throw new NotAuthorizedException(reason, Response.status(Response.Status.UNAUTHORIZED)
                        .header(HttpHeaders.WWW_AUTHENTICATE, options.authenticationChallenge())
                        .type(MediaType.TEXT_PLAIN_TYPE).entity(reason).build());
            }
            ConnectionQueue queue = queue();
            ScheduledFuture<?> expiring = expiry(queue, expiry);
            return EventStream.of(queue, options.streamOptions.toBuilder().onClose(onClose(queue, counted, expiring))
                    .errorEvent(retryHint(queue)).build());
        }

        /**
         * Ends the stream at the earlier of the caller's expiry and its maximum age (less its jitter), after the
         * event that says which; {@code null} when neither applies.
         */
        private ScheduledFuture<?> expiry(ConnectionQueue queue, Instant credentials) {
            Duration age = options.maxStreamAge();
            if (age != null && options.maxStreamAgeJitter().toNanos() > 0) {
                age = age.minusNanos(ThreadLocalRandom.current().nextLong(options.maxStreamAgeJitter().toNanos()));
            }
            long credentialsMillis = credentials == null ? Long.MAX_VALUE
                    : Math.max(0, Duration.between(Instant.now(), credentials).toMillis());
            long ageMillis = age == null ? Long.MAX_VALUE : age.toMillis();
            if (credentialsMillis == Long.MAX_VALUE && ageMillis == Long.MAX_VALUE) {
                return null;
            }
            Runnable end = credentialsMillis <= ageMillis
                    ? () -> queue.expire(CREDENTIALS_EXPIRED, "CREDENTIALS_EXPIRED")
                    : () -> queue.expire(STREAM_EXPIRED, "MAX_STREAM_AGE");
            return expiries().schedule(end, Math.min(credentialsMillis, ageMillis), TimeUnit.MILLISECONDS);
        }

        /** The subscriber's queue, which joins when subscribed to (for tests that stream without HTTP). */
        ConnectionQueue queue() {
            dev.ssejaxrs.internal.store.EventId opened = store.openPosition();
            ConnectionQueue queue = new ConnectionQueue(store, addresses, caller, lastEventId, opened, greeting,
                    options);
            if (lastEventId == null && opened != null) {
                startWithLatest(queue, opened);
            }
            return queue;
        }

        /**
         * Latest-value mode: the latest events (of each key) of the subscription's latest-value addresses, at or
         * before its opening position {@code opened}, in id order, go first; the join replays what is after it. So
         * the values and the live events meet without a gap or a repeat.
         */
        private void startWithLatest(ConnectionQueue queue, dev.ssejaxrs.internal.store.EventId opened) {
            List<SseEvent> merged = new ArrayList<>();
            for (Address address : addresses) {
                if (!options.isLatestValue(address)) {
                    continue;
                }
                List<SseEvent> latest;
                try {
                    latest = store.latest(address, opened, options.latestKey(address)).toCompletableFuture()
                            .get(LATEST_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    return; // the store is away: the join fails as well, and the client comes back later
                }
                for (SseEvent event : latest) {
                    try {
                        if (options.accessPolicy().mayReceive(address, event, caller)) {
                            merged.add(event);
                        }
                    } catch (RuntimeException e) { // this subscriber only: its stream ends with CALLBACK_ERROR
                        queue.callbackFailed("the access policy's mayReceive", e);
                        return;
                    }
                }
            }
            queue.startWith(inIdOrder(merged));
        }

        /**
         * When the store cannot serve the join (Redis away, the registry closing), the stream's last event carries
         * a {@code retry:} of {@link #RETRY_MIN} to {@link #RETRY_MAX}, at random: browsers then come back spread
         * out, instead of all at once every 3 s while the store is away. The options' own errorEvent is kept (and
         * given the retry unless it has one); other errors are its alone.
         */
        private Function<Throwable, SseEvent> retryHint(ConnectionQueue queue) {
            Function<Throwable, SseEvent> own = options.streamOptions.errorEvent();
            return error -> {
                SseEvent event = own.apply(error);
                if (!queue.joinRefused()) {
                    return event;
                }
                Duration retry = Duration.ofMillis(ThreadLocalRandom.current()
                        .nextLong(RETRY_MIN.toMillis(), RETRY_MAX.toMillis() + 1));
                if (event == null) {
                    return SseEvent.builder().retry(retry).build();
                }
                return event.retry() != null ? event : event.toBuilder().retry(retry).build();
            };
        }

        private Consumer<CloseReason> onClose(ConnectionQueue queue, String caller, ScheduledFuture<?> expiring) {
            Consumer<CloseReason> userOnClose = options.streamOptions.onClose();
            return reason -> {
                if (expiring != null) {
                    expiring.cancel(false);
                }
                releaseCounted(caller);
                store.leave(queue);
                String counted = queue.endedAsSlow() ? "SLOW_CONSUMER"
                        : queue.expiredBecause() != null ? queue.expiredBecause() : reason.name();
                disconnects.computeIfAbsent(counted, r -> new LongAdder()).increment();
                userOnClose.accept(reason);
            };
        }
    }

    /**
     * Events of several addresses, each address's in id order, merged in id order, once per id (an event published
     * to two of the addresses has one id); events with ids of the application's own keep their order after.
     */
    private static List<SseEvent> inIdOrder(List<SseEvent> events) {
        TreeMap<dev.ssejaxrs.internal.store.EventId, SseEvent> ordered = new TreeMap<>();
        List<SseEvent> own = new ArrayList<>();
        for (SseEvent event : events) {
            dev.ssejaxrs.internal.store.EventId id = dev.ssejaxrs.internal.store.EventId.parse(event.id());
            if (id == null) {
                own.add(event);
            } else {
                ordered.putIfAbsent(id, event);
            }
        }
        List<SseEvent> all = new ArrayList<>(ordered.values());
        all.addAll(own);
        return all;
    }

    /**
     * Whether one of {@code addresses} is complete and the client has its last event (or, without an id, wants only
     * what comes next): nothing is left to send. Asks every address at once (on Redis, in one round trip's time); a
     * store that cannot answer leaves it to the join, which fails the same way.
     */
    private boolean endedFor(List<Address> addresses, String lastEventId) {
        List<CompletableFuture<ChannelStore.Kept>> asked = new ArrayList<>();
        for (Address address : addresses) {
            asked.add(store.kept(address).toCompletableFuture());
        }
        long timeout = options.redis() == null ? 1000 : options.redis().commandTimeout().toMillis();
        for (CompletableFuture<ChannelStore.Kept> answer : asked) {
            ChannelStore.Kept kept;
            try {
                kept = answer.get(timeout, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException | TimeoutException e) {
                return false;
            }
            if (kept != null && kept.isComplete() && (lastEventId == null || kept.reachedBy(lastEventId))) {
                return true;
            }
        }
        return false;
    }

    /** Releases what {@code open()} counted: the node's stream and the caller's or address's, when counted. */
    private void releaseCounted(String counted) {
        streams.decrementAndGet();
        if (counted != null) {
            releaseStream(counted);
        }
    }

    /**
     * The scheduler of credential expiries and maximum ages: the options' one, else the registry's own (one daemon
     * thread).
     */
    private ScheduledExecutorService expiries() {
        if (options.scheduler() != null) {
            return options.scheduler();
        }
        synchronized (this) {
            if (ownExpiries == null) {
                ScheduledThreadPoolExecutor own = new ScheduledThreadPoolExecutor(1, task -> {
                    Thread t = new Thread(task, "sse-credential-expiry");
                    t.setDaemon(true);
                    return t;
                });
                own.setRemoveOnCancelPolicy(true); // a stream that ends first leaves nothing behind
                ownExpiries = own;
            }
            return ownExpiries;
        }
    }

    private static WebApplicationException tooMany(String reason) {
        return new WebApplicationException(reason, json(Response.status(TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_LIMIT), reason));
    }

    /** How the registry learns the client address of the request that opens a subscription. */
    void remoteAddresses(Supplier<String> addresses) {
        remoteAddresses = Objects.requireNonNull(addresses, "addresses");
    }

    /** Counts a stream under {@code key} unless {@code max} are open under it already. */
    private boolean reserveStream(String key, int max) {
        boolean[] reserved = {false};
        streamsByCaller.compute(key, (name, open) -> {
            int now = open == null ? 0 : open;
            reserved[0] = now < max;
            return reserved[0] ? now + 1 : open;
        });
        return reserved[0];
    }

    private void releaseStream(String caller) {
        streamsByCaller.computeIfPresent(caller, (name, open) -> open <= 1 ? null : open - 1);
    }

    private static Response json(Response.ResponseBuilder response, String reason) {
        return response.type(MediaType.APPLICATION_JSON_TYPE.withCharset("UTF-8"))
                .entity(InvalidAddressMapper.errorJson(reason)).build();
    }

    private static Response plain(Response.Status status, String message) {
        return Response.status(status).type(MediaType.TEXT_PLAIN_TYPE).entity(message).build();
    }
}
