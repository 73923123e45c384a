package dev.ssejaxrs.internal.core;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.ssejaxrs.event.LineSeparator;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.stream.CloseReason;
import dev.ssejaxrs.stream.StreamOptions;

/**
 * Moves one stream's items from its publisher to its connection: the subscriber, the write queue and the drain.
 *
 * <p>Life: the stream {@linkplain #subscribe subscribes} to its publisher on Jersey's request thread while the
 * response head is being written; what the publisher sends waits in {@link #pending}. Only once Jersey is done with
 * the request is it {@linkplain #activate activated}: pings start, the client-gone watch starts, and the drain may
 * write and end the response (see {@code StreamStart} for why). A stream that never activates never subscribed.
 *
 * <p>Threads: the publisher calls {@code on*} on its threads, the scheduler enqueues pings, and the container
 * reports writability and disconnects; each of them only adds to {@link #pending} and calls {@link #signal()}.
 * One drain task at a time (guarded by {@link #wip}) runs on the application's writer pool: it takes everything
 * pending, encodes it into one batch, writes and flushes it once, and asks the publisher for as many items as it
 * wrote. It writes only when the connection says a write will not wait; otherwise it returns its thread and is
 * signalled again when the connection becomes writable. Pings and events go through the same queue, so their bytes
 * never interleave. Every {@code request} and {@code cancel} to the publisher's subscription goes through one
 * serialising loop (guarded by {@link #upstreamWip}), so that they never overlap (Reactive Streams rule 2.7) and
 * {@code cancel} is sent once. {@link #close} may be called from any thread; it wins once.
 */
public final class StreamPump implements Flow.Subscriber<Object> {
    private static final System.Logger LOG = System.getLogger(StreamPump.class.getName());
    /** Publisher failures and send timeouts repeat per request (Redis away, a slow network): once per cause. */
    private static final RepeatedLog REPEATED = new RepeatedLog(LOG);
    /** Items requested from the publisher ahead of the writes; the queue never holds more. */
    public static final int WINDOW = 256;
    private static final int BATCH_BYTES = 64 * 1024;
    /** Batches one drain run writes before it yields its writer thread to other streams. */
    private static final int BATCHES_PER_RUN = 16;
    private static final Object PING = new Object();

    private final StreamEngine runtime;
    private final StreamOptions options;
    private final StreamConnection connection;
    private final LineSeparator separator;
    private final long sendTimeoutNanos;
    private final ConcurrentLinkedQueue<Object> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger wip = new AtomicInteger();
    private final AtomicReference<CloseReason> closeReason = new AtomicReference<>();
    private final AtomicBoolean awaitingWritable = new AtomicBoolean();
    private final AtomicBoolean pingQueued = new AtomicBoolean();
    private final AtomicReference<ScheduledFuture<?>> pinger = new AtomicReference<>();
    private volatile boolean active;
    /** When the oldest unwritten bytes began to wait for the client ({@code System.nanoTime()}), or 0. */
    private volatile long waitingSince;
    private volatile ScheduledFuture<?> graceTimer;

    // Signals to the publisher's subscription, sent by whoever wins upstreamWip.
    private volatile Flow.Subscription subscription;
    private final AtomicInteger upstreamWip = new AtomicInteger();
    private final AtomicLong upstreamRequested = new AtomicLong();
    private volatile boolean upstreamCancelled;
    private boolean upstreamDone;

    // Owned by the drain task.
    /**
     * The thread running the drain, or {@code null}: an item the publisher emits on it (inside the drain's request)
     * needs no signal. Only that thread's own writes matter to the comparison, so a plain field is enough.
     */
    private Thread drainer;
    private int itemsInBatch;
    private int writtenSinceRequest;
    private boolean released;
    /** An {@code Error} thrown by a callback or the encoder: rethrown once the stream has ended. */
    private Error fatal;

    StreamPump(StreamEngine runtime, StreamOptions options, StreamConnection connection) {
        this.runtime = runtime;
        this.options = options;
        this.connection = connection;
        this.separator = options.lineSeparator();
        this.sendTimeoutNanos = options.sendTimeout().toNanos();
    }

    /** Subscribes to the publisher; items wait until {@link #activate()}. */
    void subscribe(Flow.Publisher<?> publisher) {
        try {
            publisher.subscribe(this);
        } catch (RuntimeException e) {
            onError(e); // a publisher must not throw here (rule 1.9); treat it as its error
        }
    }

    /**
     * Lets the stream run: starts pings, watches for the client leaving, and drains what is pending. The pinger is
     * scheduled before the watch, because the watch may close the stream at once (the client already left), and a
     * closed stream must leave no ping task behind.
     */
    public void activate() {
        connection.startStreaming();
        schedulePings();
        connection.onClientGone(() -> close(CloseReason.CLIENT_GONE, false));
        active = true;
        signal();
    }

    private void schedulePings() {
        Duration interval = options.pingInterval();
        if (interval.isZero() || closeReason.get() != null) {
            return;
        }
        ScheduledFuture<?> task;
        try {
            task = runtime.scheduler().scheduleAtFixedRate(this::ping, interval.toNanos(), interval.toNanos(),
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopping) {
            return;
        }
        runtime.pingScheduled();
        pinger.set(task);
        if (closeReason.get() != null) {
            stopPings(); // closed meanwhile: close() may have looked before the task was set
        }
    }

    private void stopPings() {
        ScheduledFuture<?> task = pinger.getAndSet(null);
        if (task != null) {
            task.cancel(false);
            runtime.pingCancelled();
        }
    }

    // ---- Flow.Subscriber: called by the publisher, serially (Reactive Streams rule 1.3).

    @Override
    public void onSubscribe(Flow.Subscription s) {
        Objects.requireNonNull(s, "subscription");
        if (subscription != null) {
            s.cancel(); // rule 2.5: only one subscription
            return;
        }
        subscription = s;
        if (closeReason.get() != null) {
            cancelUpstream();
        } else {
            requestUpstream(WINDOW);
        }
    }

    @Override
    public void onNext(Object item) {
        Objects.requireNonNull(item, "item"); // rule 2.13
        if (closeReason.get() == null) {
            pending.offer(item);
            if (drainer != Thread.currentThread()) {
                signal(); // else the publisher answers the drain's request on its thread: the running drain goes on
            }
        }
    }

    @Override
    public void onError(Throwable error) {
        Objects.requireNonNull(error, "error");
        // application code failed for this stream only (logged where it threw): not an error of the publisher
        CloseReason reason = error instanceof CallbackFailure ? CloseReason.CALLBACK_ERROR
                : CloseReason.PUBLISHER_ERROR;
        pending.offer(new End(reason, error));
        signal();
    }

    @Override
    public void onComplete() {
        pending.offer(End.COMPLETE);
        signal();
    }

    // ---- Signals to the publisher's subscription: serialised (rule 2.7), cancel once.

    private void requestUpstream(long n) {
        upstreamRequested.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
        drainUpstream();
    }

    private void cancelUpstream() {
        upstreamCancelled = true;
        drainUpstream();
    }

    private void drainUpstream() {
        if (upstreamWip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            Flow.Subscription s = subscription;
            if (s != null && !upstreamDone) {
                try {
                    if (upstreamCancelled) {
                        upstreamDone = true;
                        s.cancel();
                    } else {
                        long n = upstreamRequested.getAndSet(0);
                        if (n > 0) {
                            s.request(n);
                        }
                    }
                } catch (RuntimeException e) { // rule 3.15/3.16: must return normally
                    LOG.log(Level.WARNING, "the subscription of an event stream's publisher threw", e);
                    upstreamDone = true;
                    pending.offer(new End(CloseReason.PUBLISHER_ERROR, e));
                    signal();
                }
            }
            missed = upstreamWip.addAndGet(-missed);
        } while (missed != 0);
    }

    // ---- Signals from the scheduler, the container and the runtime.

    private void ping() {
        if (closeReason.get() == null && pingQueued.compareAndSet(false, true)) {
            pending.offer(PING);
            signal();
        }
    }

    /**
     * Ends the stream when its connection says the client is gone: over HTTP/2 a client may cancel one stream
     * while the connection (and every write) goes on, which only this look shows. Called by the scheduler.
     */
    void checkClientGone() {
        if (active && closeReason.get() == null && connection.isClientGone()) {
            LOG.log(Level.DEBUG, "closing an event stream: its client is gone");
            close(CloseReason.CLIENT_GONE, false);
        }
    }

    void checkSendTimeout(long now) {
        long since = waitingSince;
        if (since != 0 && sendTimeoutNanos > 0 && now - since > sendTimeoutNanos) {
            REPEATED.log(Level.INFO, "send-timeout", () -> "closing an event stream: the client read nothing for "
                    + options.sendTimeout(), null);
            close(CloseReason.SEND_TIMEOUT, true);
        }
    }

    /** Begins this stream's shutdown and returns how long its publisher may still go on. */
    Duration shutdown() {
        Duration grace = options.shutdownGracePeriod();
        if (grace.isZero()) {
            endForShutdown();
            return grace;
        }
        try {
            graceTimer = runtime.scheduler().schedule(this::endForShutdown, grace.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopped) {
            endForShutdown();
        }
        return grace;
    }

    private void endForShutdown() {
        if (closeReason.get() == null) {
            cancelUpstream();
            pending.offer(End.SHUTDOWN);
            signal();
        }
    }

    /**
     * Ends the stream for {@code reason} unless it already ended: stops pings, cancels the publisher (unless it
     * completed or failed by itself), and lets the drain end the response and then run the close callback.
     * {@code abort} drops the connection at once (only once the stream is active: before, Jersey still owns it).
     */
    void close(CloseReason reason, boolean abort) {
        if (!closeReason.compareAndSet(null, reason)) {
            return;
        }
        stopPings();
        ScheduledFuture<?> grace = graceTimer;
        if (grace != null) {
            grace.cancel(false);
        }
        if (reason != CloseReason.COMPLETED && reason != CloseReason.PUBLISHER_ERROR) {
            cancelUpstream();
        }
        if (abort && active) {
            connection.abort();
        }
        signal(); // the drain ends the response, then runs the callback
    }

    private void notifyClosed(CloseReason reason) {
        try {
            options.onClose().accept(reason);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the onClose callback of an event stream failed", e);
        }
    }

    private void signal() {
        if (!active) {
            return; // activate() drains what came before
        }
        if (wip.getAndIncrement() == 0) {
            drainOnWriters();
        }
    }

    /** Runs the drain (whose turn the caller holds) on the writer pool. */
    private void drainOnWriters() {
        try {
            runtime.writers().execute(this::drain);
        } catch (RejectedExecutionException stopped) {
            drain(); // the application is stopping: finish on this thread
        }
    }

    // ---- The drain task: one at a time.

    private void drain() {
        drainer = Thread.currentThread();
        int missed = 1;
        do {
            try {
                if (!drainOnce()) {
                    // a firehose stream must not keep a shared writer thread: continue in a new task
                    try {
                        drainer = null;
                        runtime.writers().execute(this::drain);
                        return;
                    } catch (RejectedExecutionException stopped) {
                        drainer = Thread.currentThread();
                        continue;
                    }
                }
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "an event stream write failed: the client is gone", e);
                close(CloseReason.CLIENT_GONE, false);
                release();
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "an event stream failed", e);
                close(CloseReason.CLIENT_GONE, true);
                release();
            } catch (Error e) {
                close(CloseReason.CALLBACK_ERROR, true); // keeps the reason of a callback that threw it
                release();
                throw e; // never swallowed; the pool replaces its thread
            }
            drainer = null; // before the turn may pass to another thread
            missed = wip.addAndGet(-missed);
            if (missed != 0) {
                drainer = Thread.currentThread();
            }
        } while (missed != 0);
    }

    /** Writes what is pending; returns {@code false} when it stopped after its share of batches. */
    private boolean drainOnce() throws IOException {
        int batches = 0;
        while (closeReason.get() == null && !pending.isEmpty()) {
            if (batches++ == BATCHES_PER_RUN) {
                return false;
            }
            if (!connection.isReady()) {
                waitForWritable();
                return true;
            }
            writeBatch();
        }
        if (closeReason.get() != null) {
            release();
            Error e = fatal;
            if (e != null) {
                fatal = null;
                throw e;
            }
        }
        return true;
    }

    /**
     * Encodes what is pending into one batch, writes and flushes it, and asks the publisher for as many items. One
     * event alone (a broadcast reaching an idle stream, mostly) is written from its encoding, made once and shared
     * by every stream it goes to, instead of being copied into a batch and then into the container's buffer.
     */
    private void writeBatch() throws IOException {
        if (waitingSince == 0) {
            waitingSince = System.nanoTime(); // a blocking container may wait inside write()
        }
        Object first = pending.poll();
        End end = null;
        int items;
        SseEvent single = first instanceof SseEvent event && pending.isEmpty() ? withJsonOrNull(event) : null;
        if (single != null) {
            SseEvent event = single;
            event.writeTo(new SharedBytes(connection), separator);
            connection.flush();
            items = 1;
            runtime.written(items, event.encodedLength(separator));
        } else {
            BatchBuffer batch = BatchBuffer.forThisThread();
            end = fill(batch, first);
            items = itemsInBatch;
            if (batch.size() > 0) {
                connection.write(batch.array(), 0, batch.size());
                connection.flush();
                runtime.written(items, batch.size());
            }
        }
        waitingSince = 0;
        requestMore(items); // only now: the items are written, not just queued
        if (end != null) {
            close(end.reason(), false);
        }
    }

    /** The event with its JSON data written, or {@code null} when that fails (then {@link #fill} reports it). */
    private SseEvent withJsonOrNull(SseEvent event) {
        try {
            return runtime.encoder().withJson(event);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Passes what an event writes (its encoding, in one piece, never changed) to the connection uncopied. */
    private static final class SharedBytes extends OutputStream {
        private final StreamConnection connection;

        SharedBytes(StreamConnection connection) {
            this.connection = connection;
        }

        @Override
        public void write(int b) throws IOException {
            connection.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            connection.writeShared(bytes, offset, length);
        }
    }

    /**
     * Encodes {@code first} (taken already, or {@code null}) and then pending items into {@code batch}, up to about
     * {@link #BATCH_BYTES}; returns how the stream ends.
     */
    private End fill(BatchBuffer batch, Object first) throws IOException {
        int items = 0;
        End end = null;
        Object item = first;
        while (end == null && batch.size() < BATCH_BYTES && (item != null || (item = pending.poll()) != null)) {
            if (item == PING) {
                pingQueued.set(false);
                SseEvent ping;
                try {
                    ping = runtime.encoder().withJson(options.pingEvent());
                } catch (RuntimeException | Error e) {
                    end = callbackFailed("the pingEvent supplier", e);
                    break;
                }
                ping.writeTo(batch, separator);
            } else if (item instanceof End terminal) {
                end = lastEvents(batch, terminal);
            } else {
                items++;
                int mark = batch.size();
                try {
                    encode(item, batch);
                } catch (RuntimeException | Error e) {
                    batch.truncate(mark);
                    end = cannotEncode(batch, item, e);
                }
            }
            item = null;
        }
        itemsInBatch = items;
        return end;
    }

    private void encode(Object item, BatchBuffer batch) throws IOException {
        if (item instanceof SseEvent event) {
            runtime.encoder().withJson(event).writeTo(batch, separator); // SseEvent.json: the application's JSON
        } else if (item instanceof String data) {
            SseEvent.of(data).writeTo(batch, separator);
        } else if (item instanceof byte[] raw) {
            batch.write(raw, 0, raw.length);
        } else {
            runtime.encoder().toEvent(item).writeTo(batch, separator); // JSON, or a standard OutboundSseEvent
        }
    }

    private End cannotEncode(BatchBuffer batch, Object item, Throwable e) throws IOException {
        String type = item.getClass().getName();
        LOG.log(Level.WARNING, "ending an event stream: cannot encode an item of type " + type + " as an event", e);
        keepFatal(e);
        IllegalArgumentException error = new IllegalArgumentException(
                "cannot encode an item of type " + type + " as an event", e);
        return lastEvents(batch, new End(CloseReason.ENCODING_ERROR, error));
    }

    private End callbackFailed(String callback, Throwable e) {
        LOG.log(Level.WARNING, "ending an event stream: " + callback + " of its options failed", e);
        keepFatal(e);
        return new End(CloseReason.CALLBACK_ERROR, e);
    }

    private static String rootCause(Throwable e) {
        Throwable root = e;
        for (int depth = 0; root.getCause() != null && depth < 16; depth++) {
            root = root.getCause();
        }
        return root.getClass().getName();
    }

    private void keepFatal(Throwable e) {
        if (e instanceof Error error && fatal == null) {
            fatal = error;
        }
    }

    /** Writes the last events for {@code end} (the mapped error event, or the farewell); returns how it ends. */
    private End lastEvents(BatchBuffer batch, End end) throws IOException {
        if (end.error() != null) {
            if (end.reason() == CloseReason.PUBLISHER_ERROR) {
                Throwable error = end.error();
                REPEATED.log(Level.WARNING, "publisher:" + error.getClass().getName() + ":" + rootCause(error),
                        () -> "the publisher of an event stream failed: " + error, error);
            }
            SseEvent errorEvent;
            try {
                errorEvent = options.errorEvent().apply(end.error());
                errorEvent = errorEvent == null ? null : runtime.encoder().withJson(errorEvent);
            } catch (RuntimeException | Error e) {
                return callbackFailed("the errorEvent function", e);
            }
            if (errorEvent != null) {
                errorEvent.writeTo(batch, separator);
            }
        } else if (runtime.isShuttingDown() && options.farewellEvent() != null) {
            SseEvent farewell;
            try {
                farewell = runtime.encoder().withJson(options.farewellEvent());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "the farewell event of an event stream cannot be written", e);
                return end;
            }
            farewell.writeTo(batch, separator);
        }
        return end;
    }

    private void requestMore(int written) {
        writtenSinceRequest += written;
        if (writtenSinceRequest >= WINDOW / 2) {
            int n = writtenSinceRequest;
            writtenSinceRequest = 0;
            if (closeReason.get() == null) {
                requestUpstream(n);
            }
        }
    }

    private void waitForWritable() {
        if (waitingSince == 0) {
            waitingSince = System.nanoTime();
        }
        if (awaitingWritable.compareAndSet(false, true)) {
            connection.whenReady(() -> {
                awaitingWritable.set(false);
                signal();
            });
        }
    }

    private void release() {
        if (!released) {
            released = true;
            pending.clear();
            stopPings();
            connection.end();
            runtime.ended(closeReason.get());
            runtime.closed(this); // after the end: shutdown waits for it while Jersey's request scope is alive
            notifyClosed(closeReason.get());
        }
    }

    /** How a stream ends: its reason, and the error behind it, if any. */
    private record End(CloseReason reason, Throwable error) {
        static final End COMPLETE = new End(CloseReason.COMPLETED, null);
        static final End SHUTDOWN = new End(CloseReason.SHUTDOWN, null);
    }
}
