package dev.ssejaxrs.internal.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisLoadingException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.internal.store.EventId;
import dev.ssejaxrs.redis.RedisOptions;
import dev.ssejaxrs.redis.RedisUnavailableException;

/**
 * The events of a registry kept in Redis Streams, shared by every node on one Redis: publish, replay, live
 * reading, offline queues and presence. One per registry; the registry's back end calls it (applications configure
 * Redis through the registry's options and never call this class).
 *
 * <h2>How the registry's back end uses it (the seam)</h2>
 * <ul>
 * <li><b>Start</b>: {@code log = RedisEventLog.start(redisOptions, listener)}, with the history and offline-queue
 *     sizes and ages of the registry's options copied into {@link RedisOptions}. The {@link Listener} is the
 *     back end's local fan-out: {@link Listener#onEntry} finds the local channel of the address and offers the
 *     entry's {@link SseEvent} (its id already set; encoded once by the stream core) to each local subscriber,
 *     under the lock that joining subscribers take too. It runs on a reader thread and must not block.</li>
 * <li><b>Publish</b> (topic or recipient, one or several addresses):
 *     {@link #append(Collection, SseEvent)}; the returned id <em>is</em> the event id (an id the event carried is
 *     replaced: Redis orders the events), and {@link Appended#queued()} tells whether a recipient was offline
 *     everywhere. Local subscribers get the event from the reader like every other node's, so publish does not
 *     fan out itself. Fails fast with {@link RedisUnavailableException} while Redis is away; nothing is
 *     buffered.</li>
 * <li><b>Subscribe</b> (one or several addresses, with or without a {@code Last-Event-ID} {@code L}), gap-free,
 *     duplicate-free and in id order, as {@code JoinWhilePublishingTest} plays it:
 *     <ol>
 *     <li>each recipient address: {@code await online(recipient)} (from then on its events are not queued);</li>
 *     <li>{@code X = await latestId()};</li>
 *     <li>under the back end's fan-out lock (the one {@link Listener#onEntry} takes):
 *         {@code P = max over the addresses of follow(address, X)} (reference-count local subscribers per address:
 *         the first one follows, later ones still call it for the position), and register the subscriber as
 *         <em>catching up</em>: it skips live entries up to {@code P} and buffers later ones;</li>
 *     <li>outside the lock: with {@code L}, {@link #replay(Address, String, String, int) replay(address, L, P,
 *         limit)} for each address (page while {@link Replay#more()}), merged by id, one event per id (an event
 *         sent to two of its addresses has the same id in both), {@code replay-incomplete} first when any
 *         {@link Replay#incomplete()}; the recipient's queue is then only emptied, {@code takeQueued(r, P)}. Without
 *         {@code L}: for a recipient, {@link #takeQueued(String, String) takeQueued(r, P)}, else nothing;</li>
 *     <li>under the lock: hand the subscriber that, then its buffer, and make it live.</li>
 *     </ol>
 *     Why it holds: the reader hands entries over in id order and {@code follow} returns a position no older than
 *     anything it handed over or chose to hand over; a newly followed address starts at that position, and a read
 *     issued before the follow hands over nothing after it.</li>
 * <li><b>Leave</b>: last local subscriber of an address gone: {@link #unfollow(Address)}; recipient connection
 *     closed: {@link #offline(String)}.</li>
 * <li><b>Multi-address streams</b>: one {@code Last-Event-ID} resumes every address, because every id comes from
 *     one clock in Redis ({@code {prefix}:clock}): an event published to several addresses has the same id in
 *     each, and ids order across addresses. With one reader connection (the default) the listener sees entries
 *     of all addresses in id order; with several, only per reader (addresses are split by hash), so a
 *     multi-address stream keeps its cross-address order only with one.</li>
 * <li><b>Stop</b>: {@link #close()}.</li>
 * </ul>
 *
 * <h2>Failover</h2>
 * While Redis is away, publishing fails at once ({@link RedisUnavailableException}). Nothing is buffered, so
 * a node never holds events that other nodes cannot see, and its memory does not grow during an outage: a publish
 * that succeeds is in Redis; one that fails is not, unless the connection broke while it was in flight (then it
 * may be, and is delivered like any other). Open streams stay open (their pings go on). The readers and the command
 * connection reconnect by themselves (back-off up to 2 s); each reader then reads after the last id it handed to
 * the listener for each address, so every entry Redis accepted (and kept: use persistence, e.g. AOF) reaches the
 * listener exactly once, in order. An entry trimmed before a lagging reader got it is reported by
 * {@link Listener#onGap}.
 *
 * <h2>Presence (who is online anywhere)</h2>
 * Each node heartbeats its id into {@code {prefix}:nodes} (scored by when it lapses, Redis time, every
 * {@code presenceTtl/3}), and adds its id to {@code {prefix}:on:<recipient>} while it has a connection of that
 * recipient. Publishing to a recipient queues the event when no live node is in its set (lapsed nodes are removed
 * there and then). A node that crashes counts as gone after {@code presenceTtl}; meanwhile the events are still in
 * the recipient's history, which a reconnecting browser gets through {@code Last-Event-ID}. Each heartbeat also adds
 * the node again to the sets of its connected recipients, so a node that stalled past its lapse (and was removed
 * from them) counts as present again from its next heartbeat. A heartbeat costs one script plus one {@code SADD}
 * per recipient connected to the node (pipelined on the command connection).
 *
 * <h2>Threads</h2>
 * Thread-safe. Stages complete on Lettuce's I/O threads: continue with non-blocking work only. Each reader
 * connection has its own daemon thread; one maintenance thread heartbeats and reconnects. Connections: one for
 * commands plus {@code readerConnections}, whatever the number of addresses and subscribers.
 */
public final class RedisEventLog implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RedisEventLog.class.getName());
    private static final long MAX_BACKOFF_MILLIS = 2000;

    final RedisOptions options;
    final String nodeId;
    final RedisKeys keys;
    private final Listener listener;
    private final ClientResources resources;
    private final RedisClient client;
    private final ScheduledExecutorService maintenance;
    private final List<RedisStreamReader> readers = new ArrayList<>();
    private final AtomicReference<StatefulRedisConnection<String, String>> commands = new AtomicReference<>();
    private final AtomicBoolean reconnecting = new AtomicBoolean();
    private final Map<String, Integer> localRecipients = new ConcurrentHashMap<>();
    /** Recipients whose last connection here closed while Redis was away: their presence goes on reconnect. */
    private final java.util.Set<String> presenceToRemove = ConcurrentHashMap.newKeySet();
    private final Script publish = new Script(Scripts.PUBLISH);
    private final Script replay = new Script(Scripts.REPLAY);
    private final Script takeQueue = new Script(Scripts.TAKE_QUEUE);
    private final Script complete = new Script(Scripts.COMPLETE);
    private final Script kept = new Script(Scripts.KEPT);
    private final Script heartbeat = new Script(Scripts.HEARTBEAT);
    private final Script joinRecipient = new Script(Scripts.JOIN_RECIPIENT);
    private final Script leaveRecipient = new Script(Scripts.LEAVE_RECIPIENT);
    private final Script advanceCursor = new Script(Scripts.ADVANCE_CURSOR);
    final StreamEpoch epoch = new StreamEpoch();
    private final RecipientCursors cursors = new RecipientCursors(this::advanceCursor);
    private final SharedReplays sharedReplays = new SharedReplays();
    private volatile boolean closed;

    /** Receives the entries the readers take from Redis, per address in id order, on a reader thread. */
    public interface Listener {
        /** A new entry of a followed address. */
        void onEntry(Address address, Entry entry);

        /**
         * Entries of {@code address} after {@code lastId} were trimmed before this node read them; {@code next} is
         * the first one still there (delivered next through {@link #onEntry}).
         */
        default void onGap(Address address, String lastId, Entry next) {
        }
    }

    /**
     * One stored event.
     *
     * @param id the stream id, which is the event id
     * @param previousId the id of the entry before it in its stream ({@code null} for the first, and in queues)
     * @param event the event, its id set to {@code id}
     * @param last whether it is the last event of a complete address (its subscribers' streams end after it)
     */
    public record Entry(String id, String previousId, SseEvent event, boolean last) {
        /** An entry that is not the last of its address. */
        public Entry(String id, String previousId, SseEvent event) {
            this(id, previousId, event, false);
        }
    }

    /**
     * What a publish did.
     *
     * @param id the event's id in every address it went to
     * @param queued how many recipients had no open connection on any node, so the event waits in their queue
     */
    public record Appended(String id, int queued) {
    }

    /**
     * A replay of one address.
     *
     * @param entries the retained entries after the id, oldest first (unmodifiable: joiners may share one replay)
     * @param incomplete whether entries after the id are known to be gone (or the id is not one of ours): the
     *     client should get {@code replay-incomplete}
     * @param more whether the limit cut the replay (ask again after the last entry)
     * @param resumeAfter where live reading continues: the last entry's id, else the id asked for, else
     *     {@code 0-0}
     */
    public record Replay(List<Entry> entries, boolean incomplete, boolean more, String resumeAfter) {
    }

    /**
     * Where a recipient's connection joins, read in one step with its presence ({@link #online(String)}).
     *
     * @param position the newest id given out when the presence was registered: every event of the recipient up
     *     to it is in its queue or its stream, every later one is read live
     * @param cursor the newest of the recipient's events a connection was given (on any node); its stream's
     *     events after it were given to no connection
     */
    public record RecipientJoin(String position, String cursor) {
    }

    private RedisEventLog(RedisOptions options, Listener listener) {
        this.options = options;
        this.nodeId = options.nodeId() != null ? options.nodeId() : java.util.UUID.randomUUID().toString();
        this.keys = new RedisKeys(options.keyPrefix());
        this.listener = listener;
        RedisURI uri;
        try {
            uri = RedisURI.create(options.uri());
        } catch (RuntimeException e) {
            // neither Lettuce's message nor its exception: they may quote the password
            throw new IllegalArgumentException("redis uri is not valid (host, port, database or options): "
                    + options.redactedUri());
        }
        uri.setTimeout(options.commandTimeout());
        this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
        this.client = RedisClient.create(resources, uri);
        // no automatic reconnect: Lettuce would re-send an in-flight publish after reconnecting (a duplicate event);
        // this class reconnects itself and never repeats a publish
        client.setOptions(ClientOptions.builder()
                .autoReconnect(false)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.builder().timeoutCommands(false).build())
                .socketOptions(SocketOptions.builder().connectTimeout(options.connectTimeout()).keepAlive(true).build())
                .build());
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "sse-redis-maintenance-" + nodeId);
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.maintenance = executor;
    }

    /**
     * Connects to Redis and starts reading.
     *
     * @throws RedisUnavailableException when Redis cannot be reached or refuses the credentials
     */
    public static RedisEventLog start(RedisOptions options, Listener listener) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(listener, "listener");
        RedisEventLog log = new RedisEventLog(options, listener);
        try {
            StatefulRedisConnection<String, String> connection = log.connect("commands");
            log.afterConnect(connection);
            log.install(connection);
        } catch (RuntimeException e) {
            log.close();
            throw new RedisUnavailableException("cannot start on Redis at " + options.redactedUri() + ": "
                    + rootMessage(e), e);
        }
        for (int i = 0; i < options.readerConnections(); i++) {
            RedisStreamReader reader = new RedisStreamReader(log, i);
            log.readers.add(reader);
            reader.start();
        }
        long beat = Math.max(100, options.presenceTtl().toMillis() / 3);
        log.maintenance.scheduleAtFixedRate(log::beat, beat, beat, TimeUnit.MILLISECONDS);
        LOG.log(System.Logger.Level.INFO, () -> "event log on Redis " + options.redactedUri() + " as node "
                + log.nodeId);
        if (options.keyPrefix().equals(RedisOptions.DEFAULT_KEY_PREFIX)) {
            // two applications on one Redis with the default would share topics, recipients and their queues
            LOG.log(System.Logger.Level.WARNING, () -> "the Redis key prefix is the default \""
                    + RedisOptions.DEFAULT_KEY_PREFIX + "\": every application on " + options.redactedUri()
                    + " with the default shares its topics and recipients; give each its own with"
                    + " RedisOptions.builder(uri).keyPrefix(\"app-name\")");
        }
        return log;
    }

    /** The options. */
    public RedisOptions options() {
        return options;
    }

    /** This node's id in Redis: its presence, and the names of its connections ({@code sse:<id>:<role>}). */
    public String nodeId() {
        return nodeId;
    }

    /**
     * Appends {@code event} to every address (each address once), with one id from Redis, trimming each stream
     * to the history size and age; for a recipient with no open connection on any node, also to its offline queue.
     *
     * @return completes with the id; fails with {@link RedisUnavailableException} at once while Redis is away
     */
    public CompletionStage<Appended> append(Collection<Address> addresses, SseEvent event) {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(addresses, "addresses");
        LinkedHashSet<Address> distinct = new LinkedHashSet<>(addresses);
        if (distinct.isEmpty()) {
            throw new IllegalArgumentException("addresses must not be empty");
        }
        List<String> scriptKeys = new ArrayList<>();
        scriptKeys.add(keys.clock());
        scriptKeys.add(keys.nodes());
        StringBuilder kinds = new StringBuilder();
        for (Address address : distinct) {
            Objects.requireNonNull(address, "address");
            scriptKeys.add(keys.stream(address));
            if (address.kind() == Address.Kind.RECIPIENT) {
                scriptKeys.add(keys.presence(address.name()));
                scriptKeys.add(keys.queue(address.name()));
                kinds.append('r');
            } else {
                kinds.append('t');
            }
        }
        distinct.forEach(address -> scriptKeys.add(keys.end(address))); // a complete address refuses it
        List<String> args = new ArrayList<>(List.of(Integer.toString(options.historySize()),
                Long.toString(options.historyAge().toMillis()), Integer.toString(options.offlineQueueSize()),
                Long.toString(options.offlineQueueAge().toMillis()), kinds.toString(), epoch.argument()));
        EntryCodec.encode(event, args);
        return this.<List<Object>>run(publish, ScriptOutputType.MULTI, scriptKeys, args, "publish to " + distinct)
                .thenApply(reply -> {
                    String id = (String) reply.get(0);
                    epoch.saw(id);
                    return new Appended(id, ((Long) reply.get(1)).intValue());
                });
    }

    /** Appends {@code event} to one address. */
    public CompletionStage<Appended> append(Address address, SseEvent event) {
        return append(List.of(address), event);
    }

    /**
     * The retained entries of {@code address} after {@code afterId} (exclusive), at most {@code limit}. An id not of
     * the form {@code <millis>-<sequence>} (or longer than 41 characters) is unknown: every retained entry, and
     * {@code incomplete} when anything was ever published.
     */
    public CompletionStage<Replay> replay(Address address, String afterId, int limit) {
        return replay(address, afterId, null, limit);
    }

    /**
     * As {@link #replay(Address, String, int)}, but only entries up to {@code upToId} (inclusive; {@code null}: no
     * bound): a subscriber joining an address this node already reads needs the entries up to the last one the
     * listener handed over, and gets the later ones live.
     */
    public CompletionStage<Replay> replay(Address address, String afterId, String upToId, int limit) {
        Objects.requireNonNull(address, "address");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        EventId upTo = upToId == null ? null : EventId.parse(upToId);
        if (upToId != null && upTo == null) {
            throw new IllegalArgumentException("upToId must be a stream id: " + upToId);
        }
        EventId after = EventId.parse(afterId);
        List<String> args = List.of(after == null ? "" : after.toString(), Integer.toString(limit),
                Long.toString(options.historyAge().toMillis()), upTo == null ? "+" : upTo.toString());
        // joiners asking for the same page at once (a reconnect storm) share one read and one copy of its events
        return sharedReplays.replay(address, args.get(0), args.get(3), limit, () -> this.<List<Object>>run(replay,
                ScriptOutputType.MULTI, List.of(keys.stream(address), keys.clock()), args, "replay " + address)
                .thenApply(reply -> {
                    List<Entry> entries = List.copyOf(EntryCodec.decodeAll(reply.get(1)));
                    String resume = !entries.isEmpty() ? entries.get(entries.size() - 1).id()
                            : after != null ? after.toString() : "0-0";
                    return new Replay(entries, ((Long) reply.get(0)) == 1L, entries.size() == limit, resume);
                }));
    }

    /**
     * Completes {@code address}: appends {@code last} as its last event (every node's reader hands it over with
     * {@link Entry#last()} set), and keeps it, the address's stream and its end for {@code kept} only.
     *
     * @return completes with the last event's id; fails with an {@link IllegalStateException} when the address is
     *     complete already, with {@link RedisUnavailableException} while Redis is away
     */
    public CompletionStage<String> complete(Address address, SseEvent last, Duration kept) {
        Objects.requireNonNull(address, "address");
        List<String> args = new ArrayList<>(List.of(Integer.toString(options.historySize()),
                Long.toString(Math.max(1, kept.toMillis()))));
        EntryCodec.encode(last, args);
        return this.<String>run(complete, ScriptOutputType.VALUE,
                List.of(keys.clock(), keys.stream(address), keys.end(address)), args, "complete " + address);
    }

    /**
     * What Redis keeps of {@code address}: the id of its oldest entry and, when it is complete, of its last.
     *
     * @return completes with the two ids ({@code null} for none); fails while Redis is away
     */
    public CompletionStage<List<String>> kept(Address address) {
        Objects.requireNonNull(address, "address");
        return this.<List<Object>>run(kept, ScriptOutputType.MULTI, List.of(keys.stream(address), keys.end(address)),
                List.of(), "read what is kept of " + address).thenApply(reply -> {
                    List<String> ids = new ArrayList<>(2);
                    for (Object id : reply) {
                        ids.add(((String) id).isEmpty() ? null : (String) id);
                    }
                    return ids;
                });
    }

    /** The newest id given out so far to any address ({@code 0-0} before the first): live reading starts after it. */
    public CompletionStage<String> latestId() {
        return guard("read the latest id", c -> c.hget(keys.clock(), "last"))
                .thenApply(last -> last == null ? "0-0" : last);
    }

    /**
     * Takes {@code recipient}'s offline queue: returns its entries up to {@code upToId} (inclusive) and deletes the
     * queue (entries after that id are delivered live).
     */
    public CompletionStage<List<Entry>> takeQueued(String recipient, String upToId) {
        Objects.requireNonNull(recipient, "recipient");
        EventId upTo = EventId.parse(upToId);
        if (upTo == null) {
            throw new IllegalArgumentException("upToId must be a stream id: " + upToId);
        }
        return this.<List<Object>>run(takeQueue, ScriptOutputType.MULTI, List.of(keys.queue(recipient)),
                List.of(upTo.toString()), "take the queue of " + recipient).thenApply(EntryCodec::decodeAll);
    }

    /**
     * Follows {@code address}: its new entries go to the listener from now on (no-op when it is already followed).
     * Returns the position of a subscriber joining now: the newer of {@code notBefore} (the {@link #latestId()}
     * read just before) and the newest id this node's reader has handed over, or is about to. The listener gets
     * every entry after the position, in id order with the other addresses of its reader; the subscriber gets
     * the entries up to it from {@link #replay(Address, String, String, int)} (or the queue), and skips live
     * entries up to it. Wakes the blocked read at once.
     */
    public String follow(Address address, String notBefore) {
        Objects.requireNonNull(address, "address");
        EventId after = EventId.parse(notBefore);
        if (after == null) {
            throw new IllegalArgumentException("notBefore must be a stream id: " + notBefore);
        }
        return reader(address).follow(address, after);
    }

    /** Stops reading {@code address} (its last local subscriber left). */
    public void unfollow(Address address) {
        Objects.requireNonNull(address, "address");
        reader(address).unfollow(address);
    }

    /** Whether {@code address} is followed on this node. */
    public boolean follows(Address address) {
        return reader(address).follows(address);
    }

    /**
     * Counts a connection of {@code recipient} on this node and registers this node in the recipient's presence set
     * (after which its events are no longer queued), reading the join's position and the recipient's cursor in the
     * same step ({@code JOIN_RECIPIENT}): no event falls between the presence and the position.
     *
     * @return completes once Redis has the presence, with the position and the cursor
     */
    public CompletionStage<RecipientJoin> online(String recipient) {
        Objects.requireNonNull(recipient, "recipient");
        CompletableFuture<RecipientJoin> done = new CompletableFuture<>();
        localRecipients.compute(recipient, (r, count) -> {
            // sent inside compute: presence commands of one recipient reach Redis in the order of the counts
            this.<List<Object>>run(joinRecipient, ScriptOutputType.MULTI,
                    List.of(keys.clock(), keys.presence(r), keys.cursor(r)),
                    List.of(nodeId, Long.toString(cursorTtl().toMillis())), "register the presence of " + r)
                    .whenComplete((reply, failure) -> {
                        if (failure == null) {
                            done.complete(new RecipientJoin((String) reply.get(0), (String) reply.get(1)));
                        } else {
                            done.completeExceptionally(failure instanceof CompletionException
                                    && failure.getCause() != null ? failure.getCause() : failure);
                        }
                    });
            return count == null ? 1 : count + 1;
        });
        return done;
    }

    /**
     * Counts a closed connection of {@code recipient}; the last one removes this node from its presence set and, in
     * the same step ({@code LEAVE_RECIPIENT}), moves the recipient's cursor up to what this node gave it: an event
     * published after the stream ended is after the cursor, and the recipient's next connection gets it.
     */
    public CompletionStage<Void> offline(String recipient) {
        Objects.requireNonNull(recipient, "recipient");
        CompletableFuture<Void> done = new CompletableFuture<>();
        localRecipients.compute(recipient, (r, count) -> {
            if (count == null || count <= 1) {
                if (count != null) {
                    String given = cursors.given(r);
                    cursors.forget(r);
                    this.<Long>run(leaveRecipient, ScriptOutputType.INTEGER,
                            List.of(keys.presence(r), keys.cursor(r)),
                            List.of(nodeId, given, Long.toString(cursorTtl().toMillis())),
                            "remove the presence of " + r)
                            .whenComplete((removed, failure) -> {
                                if (failure != null) {
                                    presenceToRemove.add(r); // else this node would count it online for ever
                                }
                                complete(done, failure);
                            });
                } else {
                    done.complete(null);
                }
                return null;
            }
            done.complete(null);
            return count - 1;
        });
        return done;
    }

    /**
     * Records that a connection of {@code recipient} here was given its event {@code id} (a live entry, or the last
     * of its catch-up): the recipient's cursor in Redis moves up ({@link RecipientCursors}).
     */
    public void gave(String recipient, EventId id) {
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(id, "id");
        if (localRecipients.containsKey(recipient)) {
            cursors.gave(recipient, id);
        }
    }

    private CompletionStage<?> advanceCursor(String recipient, String id) {
        return this.<Long>run(advanceCursor, ScriptOutputType.INTEGER, List.of(keys.cursor(recipient)),
                List.of(id, Long.toString(cursorTtl().toMillis())), "move the cursor of " + recipient);
    }

    /** How long a recipient's cursor outlives its last move: as long as its stream or its queue keeps events. */
    private Duration cursorTtl() {
        Duration history = options.historyAge();
        return history.compareTo(options.offlineQueueAge()) >= 0 ? history : options.offlineQueueAge();
    }

    /**
     * Stops the readers and the heartbeat, removes this node's presence from Redis (when reachable) and closes
     * every connection. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        readers.forEach(RedisStreamReader::close);
        maintenance.shutdownNow();
        StatefulRedisConnection<String, String> connection = commands.getAndSet(null);
        if (connection != null && connection.isOpen()) {
            try {
                RedisAsyncCommands<String, String> c = connection.async();
                List<CompletableFuture<?>> cleanup = new ArrayList<>();
                cleanup.add(c.zrem(keys.nodes(), nodeId).toCompletableFuture());
                localRecipients.keySet().forEach(r ->
                        cleanup.add(c.srem(keys.presence(r), nodeId).toCompletableFuture()));
                for (int i = 0; i < readers.size(); i++) {
                    cleanup.add(c.del(keys.wake(nodeId, i)).toCompletableFuture());
                }
                CompletableFuture.allOf(cleanup.toArray(CompletableFuture[]::new))
                        .get(options.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "presence not removed on close (it lapses by itself)", e);
            }
            connection.close();
        }
        readers.forEach(RedisStreamReader::join);
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        try {
            resources.shutdown(0, 2, TimeUnit.SECONDS).get(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(System.Logger.Level.DEBUG, "Lettuce's threads did not stop in time", e);
        }
    }

    // ---- connections ----

    /** A new connection named {@code sse:<node>:<role>} (visible in {@code CLIENT LIST}). */
    StatefulRedisConnection<String, String> connect(String role) {
        StatefulRedisConnection<String, String> connection = client.connect(StringCodec.UTF8);
        awaitOrClose(connection, connection.async().clientSetname("sse:" + nodeId + ":" + role),
                "CLIENT SETNAME failed");
        return connection;
    }

    /**
     * Waits up to the command timeout for {@code step} of setting up a new {@code connection}; if it fails, closes
     * the connection and throws, the message starting with {@code failed}.
     */
    private void awaitOrClose(StatefulRedisConnection<String, String> connection, Future<?> step, String failed) {
        try {
            step.get(options.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connection.close();
            throw new IllegalStateException("interrupted while connecting", e);
        } catch (ExecutionException | TimeoutException e) {
            connection.close();
            throw new IllegalStateException(failed + ": " + rootMessage(e), e);
        }
    }

    private void install(StatefulRedisConnection<String, String> connection) {
        connection.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
                if (commands.compareAndSet(connection, null)) {
                    LOG.log(System.Logger.Level.WARNING, () -> "Redis " + options.redactedUri()
                            + " disconnected: publishing fails until it is back; reconnecting");
                    connection.closeAsync();
                    reconnectSoon();
                }
            }
        });
        commands.set(connection);
        if (!connection.isOpen() && commands.compareAndSet(connection, null)) {
            reconnectSoon(); // it broke before the listener was in place
        }
    }

    /**
     * Registers this node again (after a restart without persistence Redis has forgotten it), removes the presence
     * of recipients that left while Redis was away, and adds that of the current ones.
     */
    private void afterConnect(StatefulRedisConnection<String, String> connection) {
        RedisAsyncCommands<String, String> c = connection.async();
        List<CompletableFuture<?>> all = new ArrayList<>();
        all.add(RedisEventLog.<List<Object>>runOn(c, heartbeat, ScriptOutputType.MULTI, List.of(keys.nodes(), keys.clock()),
                List.of(nodeId, Long.toString(options.presenceTtl().toMillis()), epoch.argument()))
                .thenAccept(reply -> epoch.began((Long) reply.get(1), options.redactedUri())));
        for (String r : List.copyOf(presenceToRemove)) {
            presenceToRemove.remove(r);
            if (!localRecipients.containsKey(r)) {
                all.add(c.srem(keys.presence(r), nodeId).toCompletableFuture());
            }
        }
        all.add(assertPresence(c));
        awaitOrClose(connection, CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)),
                "registering the node failed");
    }

    /** Adds this node to the presence set of every recipient connected here (idempotent). */
    private CompletableFuture<?> assertPresence(RedisAsyncCommands<String, String> c) {
        List<CompletableFuture<?>> all = new ArrayList<>();
        localRecipients.keySet().forEach(r -> all.add(c.sadd(keys.presence(r), nodeId).toCompletableFuture()));
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    private void reconnectSoon() {
        if (!closed && reconnecting.compareAndSet(false, true)) {
            schedule(() -> reconnect(100), 0);
        }
    }

    private void reconnect(long backoffMillis) {
        if (closed) {
            reconnecting.set(false);
            return;
        }
        try {
            StatefulRedisConnection<String, String> connection = connect("commands");
            afterConnect(connection);
            reconnecting.set(false);
            install(connection);
            // a recipient that connected while this connection was being set up failed to register: again
            assertPresence(connection.async());
            LOG.log(System.Logger.Level.INFO, () -> "Redis " + options.redactedUri() + " is back: publishing again");
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "Redis still away: " + rootMessage(e));
            schedule(() -> reconnect(Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2)), backoffMillis);
        }
    }

    private void schedule(Runnable task, long delayMillis) {
        try {
            maintenance.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            reconnecting.set(false); // closing
        }
    }

    /**
     * Renews this node's heartbeat, then adds it again to the presence set of every recipient connected here. A
     * node whose heartbeat lapsed (a stall longer than {@code presenceTtl}: a long GC pause, a frozen VM, a partition
     * without a reset) was removed from those sets by the next publish; without the second step its recipients would
     * count as offline for as long as they stay connected, and their events would be queued instead of delivered.
     * Both go out on one connection, in this order, so no publish sees the presence without the heartbeat.
     */
    private void beat() {
        StatefulRedisConnection<String, String> connection = commands.get();
        if (connection == null) {
            return;
        }
        RedisAsyncCommands<String, String> c = connection.async();
        RedisEventLog.<List<Object>>runOn(c, heartbeat, ScriptOutputType.MULTI, List.of(keys.nodes(), keys.clock()),
                List.of(nodeId, Long.toString(options.presenceTtl().toMillis()), epoch.argument()))
                .thenAccept(reply -> epoch.began((Long) reply.get(1), options.redactedUri()))
                .exceptionally(e -> {
                    LOG.log(System.Logger.Level.DEBUG, () -> "heartbeat failed: " + rootMessage(e));
                    return null;
                });
        assertPresence(c).exceptionally(e -> {
            LOG.log(System.Logger.Level.DEBUG, () -> "re-asserting presence failed: " + rootMessage(e));
            return null;
        });
    }

    /** Wakes reader {@code index}'s blocked read: one tiny entry in its wake stream. */
    void wake(int index) {
        String key = keys.wake(nodeId, index);
        guard("wake reader " + index, c -> {
            io.lettuce.core.RedisFuture<String> added = c.xadd(key, io.lettuce.core.XAddArgs.Builder.maxlen(1), "w", "1");
            c.pexpire(key, Duration.ofDays(1)); // a crashed node's wake stream goes away by itself
            return added;
        }).exceptionally(e -> null); // Redis away: the reader is reconnecting and reads the new set anyway
    }

    Listener listener() {
        return listener;
    }

    boolean isClosed() {
        return closed;
    }

    private RedisStreamReader reader(Address address) {
        if (readers.isEmpty()) {
            throw new IllegalStateException("the event log is closed");
        }
        return readers.get(Math.floorMod(address.hashCode(), readers.size()));
    }

    // ---- commands ----

    private <T> CompletableFuture<T> guard(String what,
            Function<RedisAsyncCommands<String, String>, ? extends CompletionStage<T>> command) {
        StatefulRedisConnection<String, String> connection = commands.get();
        if (connection == null || !connection.isOpen() || closed) {
            reconnectSoon();
            return CompletableFuture.failedFuture(unavailable(what, null));
        }
        CompletableFuture<T> result;
        try {
            result = command.apply(connection.async()).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(unavailable(what, e));
        }
        return translate(result, what);
    }

    /**
     * Runs {@code command} on the command connection, failing fast while Redis is away, as every command of this
     * class: the seam for the Redis parts kept in classes of their own ({@link RedisPresence}, {@link RedisValues}).
     */
    <T> CompletableFuture<T> command(String what,
            Function<RedisAsyncCommands<String, String>, ? extends CompletionStage<T>> command) {
        return guard(what, command);
    }

    private <T> CompletableFuture<T> run(Script script, ScriptOutputType type, List<String> keyList,
            List<String> args, String what) {
        return guard(what, c -> runOn(c, script, type, keyList, args));
    }

    private <T> CompletableFuture<T> translate(CompletableFuture<T> result, String what) {
        return result.orTimeout(options.commandTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .handle((value, failure) -> {
                    if (failure == null) {
                        return value;
                    }
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                    if (cause instanceof RedisCommandExecutionException && !(cause instanceof RedisLoadingException)) {
                        throw new CompletionException(new IllegalStateException(
                                "Redis refused to " + what + ": " + cause.getMessage(), cause));
                    }
                    throw new CompletionException(unavailable(what, cause));
                });
    }

    private RedisUnavailableException unavailable(String what, Throwable cause) {
        String reason = cause == null ? "not connected" : rootMessage(cause);
        return new RedisUnavailableException("cannot " + what + ": Redis at " + options.redactedUri()
                + " is unavailable (" + reason + "); nothing is buffered", cause);
    }

    private static <T> CompletableFuture<T> runOn(RedisAsyncCommands<String, String> c, Script script,
            ScriptOutputType type, List<String> keyList, List<String> args) {
        String[] k = keyList.toArray(String[]::new);
        String[] a = args.toArray(String[]::new);
        CompletableFuture<T> first = c.<T>evalsha(script.sha, type, k, a).toCompletableFuture();
        return first.exceptionallyCompose(e -> {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof RedisNoScriptException) {
                return c.<T>eval(script.text, type, k, a).toCompletableFuture(); // first use, or Redis restarted
            }
            return CompletableFuture.failedFuture(cause);
        });
    }

    private static void complete(CompletableFuture<Void> done, Throwable failure) {
        if (failure == null) {
            done.complete(null);
        } else {
            done.completeExceptionally(failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure);
        }
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    /** A Lua script and its SHA-1 (run with {@code EVALSHA}, loaded with {@code EVAL} when Redis lacks it). */
    private static final class Script {
        final String text;
        final String sha;

        Script(String text) {
            this.text = text;
            try {
                this.sha = HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-1 is part of every JDK", e);
            }
        }
    }
}
