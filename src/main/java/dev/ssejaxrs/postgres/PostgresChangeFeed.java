package dev.ssejaxrs.postgres;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;

import org.glassfish.jersey.server.spi.Container;
import org.glassfish.jersey.server.spi.ContainerLifecycleListener;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.Delivery;
import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.internal.core.ClassPresence;
import dev.ssejaxrs.internal.core.RepeatedLog;

/**
 * A PostgreSQL change feed: {@code LISTEN}s on channels over <em>one</em> dedicated connection and publishes every
 * notification into a topic of an {@link EventRegistry}. Subscribers of the topic get replay, slow-consumer handling
 * and access control from the registry, and a thousand of them cost the database one connection.
 *
 * <pre>{@code
 * EventRegistry registry = new EventRegistry(RegistryOptions.defaults());
 * PostgresChangeFeed feed = PostgresChangeFeed.builder(registry, dataSource::getConnection)
 *         .listen("todo_inserted")          // event: todo_inserted, data: the payload, into topic "todo_inserted"
 *         .build();
 * new ResourceConfig(TodoResource.class)
 *         .register(new BroadcastFeature(registry))
 *         .register(feed);                  // starts with the application and stops with it
 *
 * // in TodoResource
 * @GET @Path("todos/stream") @Produces(MediaType.SERVER_SENT_EVENTS)
 * public EventStream todos(@HeaderParam("Last-Event-ID") String lastEventId) {
 *     return registry.subscribe(Address.topic("todo_inserted")).lastEventId(lastEventId).open();
 * }
 * }</pre>
 *
 * <p>Registered in a Jersey application (it is a {@link Feature}) the feed starts when the application's container
 * starts and stops when it stops; outside JAX-RS call {@link #start()} and {@link #close()}. The connection is
 * opened with the given {@link ConnectionSource}, switched to auto-commit and named {@code sse-jaxrs change feed}
 * ({@code application_name}, visible in {@code pg_stat_activity}).
 *
 * <p><b>Reconnects.</b> When the connection breaks (the database restarts, the network drops) the feed opens a new
 * one and listens again, retrying with a growing delay ({@link Builder#reconnectDelay}). {@code NOTIFY} is not
 * durable: notifications sent while nobody listened are lost. The feed logs a warning and publishes a
 * {@linkplain Builder#gapEvent gap event} (by default {@code event: notifications-missed}, data
 * {@code {"channel": ..., "from": ..., "to": ...}}) into each topic, so that clients can reload what they show.
 *
 * <p><b>Publishes that fail.</b> A publish the registry refuses (Redis away, an event over {@code maxEventSize}) or
 * that fails later, and a mapping that throws, lose that notification: the feed logs it (once per cause and minute,
 * with the count of repeats) and, once publishing works again, publishes the gap event into that channel's topic,
 * with {@code from} the first loss and {@code to} now. It tries at the next notification of the channel, and when a
 * wait for notifications ends with nothing.
 *
 * <p><b>Threads.</b> One daemon thread per feed, started by {@link #start()}, opens the connection and waits in
 * pgjdbc's blocking {@code getNotifications(timeout)}; when that wait ends with nothing, it checks the connection
 * ({@code isValid}), so a connection that died silently is noticed within
 * {@link Builder#healthCheckInterval healthCheckInterval}. Notifications are published from that thread; at most
 * {@link Builder#maxPublishesInFlight maxPublishesInFlight} publishes are incomplete at once (on Redis, until Redis
 * answers), and beyond that the thread waits (PostgreSQL keeps the notifications meanwhile), so a flood of
 * {@code NOTIFY}s never becomes an unbounded queue of commands. Publishes complete on the registry's threads (Redis'
 * I/O threads), which only count and note failures. {@link #close()} aborts the connection, which ends the wait at
 * once, and joins the thread. One lock and one condition guard the state; all public methods are thread-safe.
 */
public final class PostgresChangeFeed implements Feature, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PostgresChangeFeed.class.getName());
    /** Publish and mapping failures: once per cause and minute, with the count of repeats. */
    private final RepeatedLog failures = new RepeatedLog(LOG);
    /** The pgjdbc interface the feed listens through. */
    private static final String PGJDBC = "org.postgresql.PGConnection";
    /** The {@code application_name} of the feed's connection. */
    static final String APPLICATION_NAME = "sse-jaxrs change feed";
    private static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(30);
    private static final Duration JOIN_LIMIT = Duration.ofSeconds(10);

    private enum State { NEW, RUNNING, CLOSED }

    private final EventRegistry registry;
    private final ConnectionSource connections;
    private final Map<String, Listen> channels;
    private final Duration reconnectDelay;
    private final Duration healthCheckInterval;
    private final Function<Gap, SseEvent> gapEvent;
    private final int maxPublishesInFlight;

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when the state, {@code listening} or {@code inFlight} changes. */
    private final Condition changed = lock.newCondition();
    private State state = State.NEW;
    private Thread thread;
    private Connection connection;
    private boolean listening;
    /** Publishes not completed yet. */
    private int inFlight;
    /** Channels that lost a notification to a failed publish or mapping, to when the first was lost. */
    private final Map<String, Instant> lostSince = new LinkedHashMap<>();

    private PostgresChangeFeed(Builder b) {
        this.registry = b.registry;
        this.connections = b.connections;
        this.channels = Collections.unmodifiableMap(new LinkedHashMap<>(b.channels));
        this.reconnectDelay = b.reconnectDelay;
        this.healthCheckInterval = b.healthCheckInterval;
        this.gapEvent = b.gapEvent;
        this.maxPublishesInFlight = b.maxPublishesInFlight;
    }

    /**
     * A builder for a feed that publishes into {@code registry} and opens its connection with {@code connections}
     * (for example {@code dataSource::getConnection} or {@code () -> DriverManager.getConnection(url, user, pw)}).
     *
     * @param registry the registry the notifications are published into (not null)
     * @param connections opens the feed's connection, again after each loss (not null)
     * @return a new builder, with no channel yet
     * @throws IllegalStateException when the PostgreSQL JDBC driver (pgjdbc) is not on the class path
     */
    public static Builder builder(EventRegistry registry, ConnectionSource connections) {
        if (!ClassPresence.present(PGJDBC)) {
            throw new IllegalStateException("PostgresChangeFeed needs the PostgreSQL JDBC driver on the class path "
                    + "(it listens through org.postgresql.PGConnection): add org.postgresql:postgresql (42.x)");
        }
        return new Builder(registry, connections);
    }

    /**
     * Starts the feed's thread, which connects and listens (retrying until the database answers). Returns at once;
     * {@link #awaitListening} waits for the {@code LISTEN}. Calling it again is harmless.
     *
     * @throws IllegalStateException when the feed was closed
     */
    public void start() {
        lock.lock();
        try {
            if (state == State.CLOSED) {
                throw new IllegalStateException("the change feed was closed; build a new one");
            }
            if (state == State.RUNNING) {
                return;
            }
            state = State.RUNNING;
            thread = new Thread(this::run, "sse-jaxrs-pg-feed-" + String.join(",", channels.keySet()));
            thread.setDaemon(true);
            thread.start();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether the feed is listening now (its connection is open and {@code LISTEN} was executed).
     *
     * @return whether it listens now
     */
    public boolean isListening() {
        lock.lock();
        try {
            return listening;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the feed listens, at most {@code timeout}.
     *
     * @param timeout how long to wait at most (not null)
     * @return whether it listens
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public boolean awaitListening(Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (!listening && state != State.CLOSED && left > 0) {
                left = changed.awaitNanos(left);
            }
            return listening;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops the feed: closes its connection (the server ends the {@code LISTEN}) and waits for its thread to end
     * (at most 10 s). Calling it again is harmless.
     */
    @Override
    public void close() {
        Connection open;
        Thread running;
        lock.lock();
        try {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            open = connection;
            running = thread;
            listening = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (open != null) {
            abort(open); // ends the thread's blocking read at once
        }
        if (running != null && running != Thread.currentThread()) {
            try {
                running.join(JOIN_LIMIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (running.isAlive()) {
                LOG.log(Level.WARNING, "the change feed thread did not end within {0}", JOIN_LIMIT);
            }
        }
    }

    /** Starts the feed when the Jersey application's container starts and closes it when the container stops. */
    @Override
    public boolean configure(FeatureContext context) {
        context.register(new ContainerLifecycleListener() {
            @Override
            public void onStartup(Container container) {
                start();
            }

            @Override
            public void onReload(Container container) {
            }

            @Override
            public void onShutdown(Container container) {
                close();
            }
        });
        return true;
    }

    private void run() {
        Duration delay = reconnectDelay;
        Instant lostAt = null;
        while (true) {
            Connection c = null;
            boolean listened = false;
            try {
                c = connections.open();
                if (c == null) {
                    throw new SQLException("the connection source returned null");
                }
                if (!adopt(c)) {
                    abort(c);
                    return;
                }
                listen(c);
                listened = true;
                setListening(true);
                if (lostAt != null) {
                    announceGap(lostAt, Instant.now());
                    lostAt = null;
                }
                delay = reconnectDelay;
                receive(c);
            } catch (SQLException | RuntimeException e) {
                if (isClosed()) {
                    return;
                }
                if (listened) {
                    lostAt = Instant.now();
                    LOG.log(Level.WARNING, "change feed lost its connection ({0}); reconnecting. Notifications on "
                            + "{1} sent until it listens again are missed (NOTIFY is not durable)",
                            e.getMessage(), channels.keySet());
                } else {
                    LOG.log(Level.WARNING, "change feed cannot listen on {0} ({1}); retrying in {2} ms",
                            channels.keySet(), e.getMessage(), delay.toMillis());
                }
            } finally {
                setListening(false);
                release(c);
            }
            if (!awaitClose(delay)) {
                return;
            }
            delay = delay.multipliedBy(2).compareTo(MAX_RECONNECT_DELAY) > 0 ? MAX_RECONNECT_DELAY
                    : delay.multipliedBy(2);
        }
    }

    private void listen(Connection c) throws SQLException {
        c.setAutoCommit(true); // a LISTEN inside an open transaction would wait for its commit
        try (Statement statement = c.createStatement()) {
            statement.execute("SET application_name = '" + APPLICATION_NAME + "'");
            for (String channel : channels.keySet()) {
                statement.execute("LISTEN " + quoteIdentifier(channel));
            }
        }
        LOG.log(Level.DEBUG, "change feed listening on {0}", channels.keySet());
    }

    private void receive(Connection c) throws SQLException {
        PGConnection pg = c.unwrap(PGConnection.class);
        int waitMillis = (int) Math.min(Integer.MAX_VALUE, healthCheckInterval.toMillis());
        int validSeconds = (int) Math.max(1, healthCheckInterval.toSeconds());
        while (!isClosed()) {
            PGNotification[] notifications = pg.getNotifications(waitMillis);
            if (notifications == null || notifications.length == 0) {
                if (!isClosed() && !c.isValid(validSeconds)) {
                    throw new SQLException("the connection is no longer valid");
                }
                announceLosses(); // publishing may work again: a quiet channel still gets its gap event
                continue;
            }
            for (PGNotification n : notifications) {
                dispatch(new Notification(n.getName(), n.getParameter(), n.getPID()));
            }
        }
    }

    private void dispatch(Notification notification) {
        Listen target = channels.get(notification.channel());
        if (target == null) {
            return; // a channel this connection no longer listens to
        }
        SseEvent event;
        try {
            event = target.toEvent.apply(notification);
        } catch (RuntimeException e) {
            failures.log(Level.WARNING, "mapping:" + notification.channel() + ":" + e.getClass().getName(),
                    () -> "change feed: the mapping of channel " + notification.channel() + " failed; the "
                            + "notification is skipped, and a gap event follows", e);
            lost(notification.channel(), Instant.now());
            return;
        }
        announceLosses(); // before this notification, so that the gap event comes first
        if (event != null) {
            publish(notification.channel(), target.address, event, null);
        }
    }

    /**
     * Publishes {@code event} once fewer than {@code maxPublishesInFlight} publishes are incomplete (waiting until
     * then); a failure, now or when the stage completes, is logged and makes the channel owe a gap event from
     * {@code lostFrom} (or from now).
     */
    private void publish(String channel, Address address, SseEvent event, Instant lostFrom) {
        lock.lock();
        try {
            while (inFlight >= maxPublishesInFlight && state != State.CLOSED) {
                changed.awaitUninterruptibly(); // completions signal; close() too
            }
            if (state == State.CLOSED) {
                return;
            }
            inFlight++;
        } finally {
            lock.unlock();
        }
        CompletionStage<Delivery> published;
        try {
            published = registry.publish(address, event);
        } catch (RuntimeException e) {
            published = CompletableFuture.failedFuture(e);
        }
        published.whenComplete((delivery, failure) -> {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            lock.lock();
            try {
                inFlight--;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            if (cause != null) {
                failures.log(Level.WARNING, "publish:" + channel + ":" + cause.getClass().getName(),
                        () -> "change feed: publishing a notification of channel " + channel + " into " + address
                                + " failed (" + cause.getMessage() + "); it is lost, and a gap event follows", null);
                lost(channel, lostFrom != null ? lostFrom : Instant.now());
            }
        });
    }

    /** Notes that {@code channel} lost a notification at {@code at}: it owes a gap event from the first loss. */
    private void lost(String channel, Instant at) {
        lock.lock();
        try {
            lostSince.merge(channel, at, (a, b) -> a.isBefore(b) ? a : b);
        } finally {
            lock.unlock();
        }
    }

    /** Publishes the gap event owed by each channel that lost notifications; one that fails is owed again. */
    private void announceLosses() {
        Map<String, Instant> owed;
        lock.lock();
        try {
            if (lostSince.isEmpty()) {
                return;
            }
            owed = new LinkedHashMap<>(lostSince);
            lostSince.clear();
        } finally {
            lock.unlock();
        }
        Instant now = Instant.now();
        for (Map.Entry<String, Instant> loss : owed.entrySet()) {
            Gap gap = new Gap(loss.getKey(), loss.getValue(), now);
            SseEvent event;
            try {
                event = gapEvent == null ? null : gapEvent.apply(gap);
            } catch (RuntimeException e) {
                failures.log(Level.WARNING, "gap:" + e.getClass().getName(), () -> "change feed: the gap event "
                        + "failed", e);
                continue;
            }
            if (event != null) {
                publish(gap.channel(), channels.get(gap.channel()).address, event, gap.from());
            }
        }
    }

    /** How many publishes are incomplete now (tests). */
    int publishesInFlight() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }

    private void announceGap(Instant from, Instant to) {
        LOG.log(Level.WARNING, "change feed listens again on {0}; notifications sent from {1} to {2} were missed",
                channels.keySet(), from, to);
        if (gapEvent == null) {
            return;
        }
        for (Map.Entry<String, Listen> entry : channels.entrySet()) {
            SseEvent event;
            try {
                event = gapEvent.apply(new Gap(entry.getKey(), from, to));
            } catch (RuntimeException e) {
                failures.log(Level.WARNING, "gap:" + e.getClass().getName(), () -> "change feed: the gap event "
                        + "failed", e);
                continue;
            }
            if (event != null) {
                publish(entry.getKey(), entry.getValue().address, event, from); // owed again if it fails
            }
        }
    }

    private boolean adopt(Connection c) {
        lock.lock();
        try {
            if (state == State.CLOSED) {
                return false;
            }
            connection = c;
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void release(Connection c) {
        lock.lock();
        try {
            if (connection == c) {
                connection = null;
            }
        } finally {
            lock.unlock();
        }
        if (c != null) {
            try {
                c.close();
            } catch (SQLException | RuntimeException e) {
                LOG.log(Level.DEBUG, "closing the change feed connection", e);
            }
        }
    }

    private void setListening(boolean now) {
        lock.lock();
        try {
            listening = now && state != State.CLOSED;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private boolean isClosed() {
        lock.lock();
        try {
            return state == State.CLOSED;
        } finally {
            lock.unlock();
        }
    }

    /** Waits {@code delay} or until closed; returns whether the feed is still open. */
    private boolean awaitClose(Duration delay) {
        long left = delay.toNanos();
        lock.lock();
        try {
            while (state != State.CLOSED && left > 0) {
                left = changed.awaitNanos(left);
            }
            return state != State.CLOSED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    private static void abort(Connection c) {
        try {
            c.abort(Runnable::run);
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.DEBUG, "aborting the change feed connection", e);
        }
    }

    /** A quoted SQL identifier: {@code "name"} with each {@code "} doubled. */
    static String quoteIdentifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    static String gapJson(Gap gap) {
        return "{\"channel\":" + jsonString(gap.channel()) + ",\"from\":\"" + gap.from() + "\",\"to\":\""
                + gap.to() + "\"}";
    }

    private static String jsonString(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /**
     * Opens the feed's connection; called again after each loss. The feed holds the connection for as long as it
     * runs, so give it its own (a {@code DataSource} that opens new connections, or {@code DriverManager}) rather than
     * one borrowed from a small pool.
     */
    @FunctionalInterface
    public interface ConnectionSource {
        /**
         * A new connection to the database whose notifications the feed listens to.
         *
         * @return a new connection, which the feed closes when it is done with it
         * @throws SQLException when no connection can be opened; the feed tries again later
         */
        Connection open() throws SQLException;
    }

    /**
     * One notification as PostgreSQL delivered it.
     *
     * @param channel the channel it was sent on
     * @param payload its payload ({@code NOTIFY channel, 'payload'} or {@code pg_notify(channel, payload)}); empty
     *     when none was given
     * @param processId the process id of the database session that sent it
     */
    public record Notification(String channel, String payload, int processId) {
    }

    /**
     * A time during which the feed did not listen on a channel after having listened: notifications sent then are
     * lost.
     *
     * @param channel the channel
     * @param from when the connection was found broken
     * @param to when the feed listened again
     */
    public record Gap(String channel, Instant from, Instant to) {
    }

    private record Listen(Address address, Function<Notification, SseEvent> toEvent) {
    }

    /** Builds a {@link PostgresChangeFeed}. */
    public static final class Builder {
        private final EventRegistry registry;
        private final ConnectionSource connections;
        private final Map<String, Listen> channels = new LinkedHashMap<>();
        private Duration reconnectDelay = Duration.ofMillis(500);
        private Duration healthCheckInterval = Duration.ofSeconds(10);
        private Function<Gap, SseEvent> gapEvent = gap -> SseEvent.builder().event("notifications-missed")
                .data(gapJson(gap)).build();
        private int maxPublishesInFlight = 256;

        private Builder(EventRegistry registry, ConnectionSource connections) {
            this.registry = Objects.requireNonNull(registry, "registry");
            this.connections = Objects.requireNonNull(connections, "connections");
        }

        /**
         * Listens on {@code channel} and publishes each notification into the topic of the same name as
         * {@code event: <channel>}, {@code data: <payload>}.
         *
         * @param channel the channel name (1 to 63 bytes of UTF-8, no NUL), which is also the topic's name
         * @return this builder
         */
        public Builder listen(String channel) {
            return listen(channel, Address.topic(checkChannel(channel)),
                    n -> SseEvent.builder().event(n.channel()).data(n.payload()).build());
        }

        /**
         * Listens on {@code channel} and publishes into {@code address} the event {@code toEvent} makes of each
         * notification ({@code null}: skip it). A mapping that throws is logged and the notification skipped.
         *
         * @param channel the channel name (1 to 63 bytes of UTF-8, no NUL); each channel is listened to once
         * @param address where the events go (not null)
         * @param toEvent makes the event of a notification, on the feed's thread (not null)
         * @return this builder
         */
        public Builder listen(String channel, Address address, Function<Notification, SseEvent> toEvent) {
            checkChannel(channel);
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(toEvent, "toEvent");
            if (channels.containsKey(channel)) {
                throw new IllegalArgumentException("channel is listened to already: " + channel);
            }
            channels.put(channel, new Listen(address, toEvent));
            return this;
        }

        /**
         * The first wait before reconnecting after a failure (default 500 ms); it doubles after each failed attempt
         * up to 30 s and starts again once the feed listens.
         *
         * @param delay the first wait (positive)
         * @return this builder
         */
        public Builder reconnectDelay(Duration delay) {
            Objects.requireNonNull(delay, "reconnectDelay");
            if (delay.isNegative() || delay.isZero()) {
                throw new IllegalArgumentException("reconnectDelay must be positive: " + delay);
            }
            this.reconnectDelay = delay;
            return this;
        }

        /**
         * How long a wait for notifications lasts before the connection is checked (default 10 s): a connection that
         * died without the socket noticing is found within about twice this.
         *
         * @param interval the interval (at least 1 ms)
         * @return this builder
         */
        public Builder healthCheckInterval(Duration interval) {
            Objects.requireNonNull(interval, "healthCheckInterval");
            if (interval.toMillis() < 1) {
                throw new IllegalArgumentException("healthCheckInterval must be at least 1 ms: " + interval);
            }
            this.healthCheckInterval = interval;
            return this;
        }

        /**
         * The event published into each topic when the feed listens again after a loss ({@code null}: none, only
         * the log line). Default: {@code event: notifications-missed}, data
         * {@code {"channel":"...","from":"<ISO instant>","to":"<ISO instant>"}}.
         *
         * @param gapEvent makes the event of a gap, per channel, for its address; or {@code null}
         * @return this builder
         */
        public Builder gapEvent(Function<Gap, SseEvent> gapEvent) {
            this.gapEvent = gapEvent;
            return this;
        }

        /**
         * How many publishes may be incomplete at once (default 256); beyond, the feed's thread waits for one to
         * complete before it reads the next notification. On Redis a publish is incomplete until Redis answers, so
         * this bounds the commands a {@code NOTIFY} flood puts in flight.
         *
         * @param max the most publishes incomplete at once (at least 1)
         * @return this builder
         */
        public Builder maxPublishesInFlight(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxPublishesInFlight must be at least 1: " + max);
            }
            this.maxPublishesInFlight = max;
            return this;
        }

        /**
         * The feed, not started yet.
         *
         * @return a new feed
         * @throws IllegalStateException when no channel was given
         */
        public PostgresChangeFeed build() {
            if (channels.isEmpty()) {
                throw new IllegalStateException("listen(channel) was never called: the feed needs a channel");
            }
            return new PostgresChangeFeed(this);
        }

        private static String checkChannel(String channel) {
            Objects.requireNonNull(channel, "channel");
            if (channel.isEmpty() || channel.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("channel must be non-empty and free of NUL: \"" + channel + "\"");
            }
            if (channel.getBytes(StandardCharsets.UTF_8).length > 63) {
                throw new IllegalArgumentException(
                        "channel must be at most 63 bytes (PostgreSQL's identifier limit): " + channel);
            }
            return channel;
        }
    }

    /** The channels, for diagnostics. */
    @Override
    public String toString() {
        return "PostgresChangeFeed" + channels.keySet();
    }
}
