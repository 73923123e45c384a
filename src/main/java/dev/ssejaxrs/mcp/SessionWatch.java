package dev.ssejaxrs.mcp;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.Caller;
import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.internal.core.EventStreams;
import dev.ssejaxrs.internal.store.ConnectionQueue;
import dev.ssejaxrs.stream.CloseReason;
import dev.ssejaxrs.stream.EventStream;

/**
 * A node's view of one MCP session's record in the registry (the address {@code <prefix>/<session id>}): the
 * {@code session} event its first node published at {@code initialize}, and the {@code session-deleted} event a
 * {@code DELETE} on any node published. It reads the record's retained events (a subscription resumed from before
 * every id, so the registry replays all it keeps) and then stays subscribed, so that a {@code DELETE} on another node
 * ends the session here too. Used only when the registry is on Redis: in memory, the node's own sessions are all
 * there is.
 *
 * <p>Threads: the registry's threads call the subscriber, serially; {@link #read()} completes once the replay was
 * handed over; {@link #close()} may come from any thread.
 */
final class SessionWatch implements Flow.Subscriber<Object> {
    static final String SESSION = "session";
    static final String DELETED = "session-deleted";
    /** Older than every id a registry gives: the replay starts with everything the address retains. */
    private static final String BEFORE_EVERY_ID = "0-0";

    private final EventStream stream;
    private final ConnectionQueue queue;
    private final Runnable onDeleted;
    private final CompletableFuture<String> read = new CompletableFuture<>();
    private volatile String record;
    /** When the latest record was published (the millisecond part of its registry id), or 0. */
    private volatile long lastSeenMillis;
    private volatile Runnable onRefresh = () -> { };
    private volatile boolean deleted;
    private final AtomicBoolean closed = new AtomicBoolean();

    private SessionWatch(EventStream stream, Runnable onDeleted) {
        this.stream = stream;
        // a registry subscription's source is its subscriber queue; it ignores the executor
        this.queue = (ConnectionQueue) EventStreams.source(stream).publisher(Runnable::run);
        this.onDeleted = onDeleted;
    }

    /**
     * Subscribes to {@code address} and reads what it retains.
     *
     * @param onDeleted run once when a {@code session-deleted} event arrives (on a registry thread)
     */
    static SessionWatch open(EventRegistry registry, Address address, Runnable onDeleted) {
        EventStream stream = registry.subscribe(address).caller(Caller.anonymous()).lastEventId(BEFORE_EVERY_ID)
                .open();
        SessionWatch watch = new SessionWatch(stream, onDeleted);
        watch.queue.subscribe(watch);
        watch.queue.started().whenComplete((v, e) -> watch.read.complete(watch.deleted ? null : watch.record));
        return watch;
    }

    /**
     * Completes with the session's record (its data), or {@code null} when there is none or it was deleted; fails
     * when the registry cannot serve the subscription.
     */
    CompletableFuture<String> read() {
        return read;
    }

    /** When the latest record was published, in epoch milliseconds (0 when none was read). */
    long lastSeenMillis() {
        return lastSeenMillis;
    }

    /** Runs {@code action} on every refresh of the record published after the first read (on a registry thread). */
    void onRefresh(Runnable action) {
        this.onRefresh = action;
    }

    /** Registry ids are {@code <epoch millis>-<sequence>} (in memory and on Redis). */
    private static long publishedAt(String id) {
        int dash = id == null ? -1 : id.indexOf('-');
        try {
            return dash < 0 ? 0 : Long.parseLong(id.substring(0, dash));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(Object item) {
        if (!(item instanceof SseEvent event)) {
            return;
        }
        if (SESSION.equals(event.event())) {
            record = event.data();
            lastSeenMillis = publishedAt(event.id());
            if (read.isDone()) {
                onRefresh.run();
            }
        } else if (DELETED.equals(event.event()) && !deleted) {
            deleted = true;
            if (read.isDone()) {
                onDeleted.run();
            }
        }
    }

    /** The registry could not serve the subscription (Redis away): the reader answers 503, not "no session". */
    @Override
    public void onError(Throwable error) {
        read.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        read.complete(deleted ? null : record);
    }

    /** Leaves the address and gives back the registry's count of open streams. */
    void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        queue.cancel();
        stream.options().onClose().accept(CloseReason.COMPLETED);
    }
}
