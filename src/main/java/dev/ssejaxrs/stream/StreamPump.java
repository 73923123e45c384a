package dev.ssejaxrs.stream;

import java.io.IOException;
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
import java.util.concurrent.atomic.AtomicReference;

import dev.ssejaxrs.event.LineSeparator;
import dev.ssejaxrs.event.SseEvent;

/**
 * Moves one stream's items from its publisher to its connection: the subscriber, the write queue and the drain.
 *
 * <p>Threads: the publisher calls {@code on*} on its threads, the scheduler enqueues pings, and the container
 * reports writability and disconnects; each of them only adds to {@link #pending} and calls {@link #signal()}.
 * One drain task at a time (guarded by {@link #wip}) runs on the application's writer pool: it takes everything
 * pending, encodes it into one batch, writes and flushes it once, and asks the publisher for as many items as it
 * wrote. It writes only when the connection says a write will not wait; otherwise it returns its thread and is
 * signalled again when the connection becomes writable. Pings and events go through the same queue, so their bytes
 * never interleave. {@link #close} may be called from any thread; it wins once.
 */
final class StreamPump implements Flow.Subscriber<Object> {
    private static final System.Logger LOG = System.getLogger(StreamPump.class.getName());
    /** Items requested from the publisher ahead of the writes; the queue never holds more. */
    static final int WINDOW = 256;
    private static final int BATCH_BYTES = 64 * 1024;
    /** Batches one drain run writes before it yields its writer thread to other streams. */
    private static final int BATCHES_PER_RUN = 16;
    private static final Object PING = new Object();
    private static final Object COMPLETE = new Object();
    private static final Object SHUTDOWN = new Object();

    private final SseRuntime runtime;
    private final StreamOptions options;
    private final StreamConnection connection;
    private final LineSeparator separator;
    private final long sendTimeoutNanos;
    private final ConcurrentLinkedQueue<Object> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger wip = new AtomicInteger();
    private final AtomicReference<CloseReason> closeReason = new AtomicReference<>();
    private final AtomicBoolean awaitingWritable = new AtomicBoolean();
    private final AtomicBoolean pingQueued = new AtomicBoolean();
    private volatile Flow.Subscription subscription;
    /** When the oldest unwritten bytes began to wait for the client ({@code System.nanoTime()}), or 0. */
    private volatile long waitingSince;
    private volatile ScheduledFuture<?> pinger;
    private volatile ScheduledFuture<?> graceTimer;

    // Owned by the drain task.
    private int itemsInBatch;
    private int writtenSinceRequest;
    private boolean released;

    StreamPump(SseRuntime runtime, StreamOptions options, StreamConnection connection) {
        this.runtime = runtime;
        this.options = options;
        this.connection = connection;
        this.separator = options.lineSeparator();
        this.sendTimeoutNanos = options.sendTimeout().toNanos();
    }

    void start(Flow.Publisher<?> publisher) {
        connection.onClientGone(() -> close(CloseReason.CLIENT_GONE, false));
        Duration interval = options.pingInterval();
        if (!interval.isZero()) {
            pinger = runtime.scheduler().scheduleAtFixedRate(this::ping, interval.toNanos(), interval.toNanos(),
                    TimeUnit.NANOSECONDS);
        }
        try {
            publisher.subscribe(this);
        } catch (RuntimeException e) {
            onError(e);
        }
    }

    /** Ends a stream opened after shutdown began. */
    void refuse() {
        closeReason.set(CloseReason.SHUTDOWN);
        released = true;
        connection.end();
        notifyClosed(CloseReason.SHUTDOWN);
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
            s.cancel();
        } else {
            s.request(WINDOW);
        }
    }

    @Override
    public void onNext(Object item) {
        Objects.requireNonNull(item, "item"); // rule 2.13
        if (closeReason.get() == null) {
            pending.offer(item);
            signal();
        }
    }

    @Override
    public void onError(Throwable error) {
        Objects.requireNonNull(error, "error");
        pending.offer(new Failure(error));
        signal();
    }

    @Override
    public void onComplete() {
        pending.offer(COMPLETE);
        signal();
    }

    // ---- Signals from the scheduler, the container and the runtime.

    private void ping() {
        if (closeReason.get() == null && pingQueued.compareAndSet(false, true)) {
            pending.offer(PING);
            signal();
        }
    }

    void checkSendTimeout(long now) {
        long since = waitingSince;
        if (since != 0 && sendTimeoutNanos > 0 && now - since > sendTimeoutNanos) {
            LOG.log(Level.INFO, "closing an event stream: the client read nothing for {0}", options.sendTimeout());
            close(CloseReason.SEND_TIMEOUT, true);
        }
    }

    /** Begins this stream's shutdown and returns how long its publisher may still go on. */
    Duration shutdown() {
        Duration grace = options.shutdownGracePeriod();
        if (grace.isZero()) {
            endForShutdown();
        } else {
            graceTimer = runtime.scheduler().schedule(this::endForShutdown, grace.toNanos(), TimeUnit.NANOSECONDS);
        }
        return grace;
    }

    private void endForShutdown() {
        if (closeReason.get() == null) {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            pending.offer(SHUTDOWN);
            signal();
        }
    }

    /**
     * Ends the stream for {@code reason} unless it already ended: stops pings, cancels the publisher, and lets the
     * drain end the response and then run the close callback. {@code abort} drops the connection at once.
     */
    void close(CloseReason reason, boolean abort) {
        if (!closeReason.compareAndSet(null, reason)) {
            return;
        }
        cancel(pinger);
        cancel(graceTimer);
        if (reason != CloseReason.COMPLETED && reason != CloseReason.PUBLISHER_ERROR) {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }
        if (abort) {
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
        if (wip.getAndIncrement() == 0) {
            try {
                runtime.writers().execute(this::drain);
            } catch (RejectedExecutionException stopped) {
                drain(); // the application is stopping: finish on this thread
            }
        }
    }

    // ---- The drain task: one at a time.

    private void drain() {
        int missed = 1;
        do {
            try {
                if (!drainOnce()) {
                    // a firehose stream must not keep a shared writer thread: continue in a new task
                    try {
                        runtime.writers().execute(this::drain);
                        return;
                    } catch (RejectedExecutionException stopped) {
                        continue;
                    }
                }
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "an event stream write failed: the client is gone", e);
                close(CloseReason.CLIENT_GONE, false);
                release();
            } catch (RuntimeException | Error e) {
                LOG.log(Level.ERROR, "an event stream failed", e);
                close(CloseReason.CLIENT_GONE, true);
                release();
            }
            missed = wip.addAndGet(-missed);
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
            if (waitingSince == 0) {
                waitingSince = System.nanoTime(); // a blocking container may wait inside write()
            }
            BatchBuffer batch = BatchBuffer.forThisThread();
            Object terminal = fill(batch);
            if (batch.size() > 0) {
                connection.write(batch.array(), 0, batch.size());
                connection.flush();
                runtime.written(itemsInBatch);
            }
            waitingSince = 0;
            requestMore(itemsInBatch); // only now: the items are written, not just queued
            if (terminal != null) {
                close(terminalReason(terminal), false);
            }
        }
        if (closeReason.get() != null) {
            release();
        }
        return true;
    }

    /** Encodes pending items into {@code batch} up to about {@link #BATCH_BYTES}; returns a terminal marker. */
    private Object fill(BatchBuffer batch) throws IOException {
        int items = 0;
        Object terminal = null;
        Object item;
        while (batch.size() < BATCH_BYTES && (item = pending.poll()) != null) {
            if (item == PING) {
                pingQueued.set(false);
                options.pingEvent().writeTo(batch, separator);
            } else if (item == COMPLETE || item == SHUTDOWN || item instanceof Failure) {
                terminal = item;
                writeLastEvents(batch, item);
                break;
            } else {
                items++;
                try {
                    encode(item, batch);
                } catch (RuntimeException e) {
                    terminal = new Failure(new IllegalArgumentException(
                            "cannot encode an item of type " + item.getClass().getName() + " as an event", e));
                    writeLastEvents(batch, terminal);
                    break;
                }
            }
        }
        itemsInBatch = items;
        return terminal;
    }

    private void encode(Object item, BatchBuffer batch) throws IOException {
        if (item instanceof SseEvent event) {
            event.writeTo(batch, separator);
        } else if (item instanceof String data) {
            SseEvent.of(data).writeTo(batch, separator);
        } else if (item instanceof byte[] raw) {
            batch.write(raw, 0, raw.length);
        } else {
            SseEvent.json(item).writeTo(batch, separator);
        }
    }

    private void writeLastEvents(BatchBuffer batch, Object terminal) throws IOException {
        if (terminal instanceof Failure failure) {
            LOG.log(Level.WARNING, "the publisher of an event stream failed", failure.error());
            SseEvent errorEvent = mapError(failure.error());
            if (errorEvent != null) {
                errorEvent.writeTo(batch, separator);
            }
        } else if (runtime.isShuttingDown() && options.farewellEvent() != null) {
            options.farewellEvent().writeTo(batch, separator);
        }
    }

    private SseEvent mapError(Throwable error) {
        try {
            return options.errorEvent().apply(error);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the errorEvent mapper of an event stream failed", e);
            return null;
        }
    }

    private static CloseReason terminalReason(Object terminal) {
        if (terminal == COMPLETE) {
            return CloseReason.COMPLETED;
        }
        return terminal == SHUTDOWN ? CloseReason.SHUTDOWN : CloseReason.PUBLISHER_ERROR;
    }

    private void requestMore(int written) {
        writtenSinceRequest += written;
        if (writtenSinceRequest >= WINDOW / 2) {
            Flow.Subscription s = subscription;
            int n = writtenSinceRequest;
            writtenSinceRequest = 0;
            if (s != null && closeReason.get() == null) {
                s.request(n);
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
            connection.end();
            runtime.closed(this); // after the end: shutdown waits for it while Jersey's request scope is alive
            notifyClosed(closeReason.get());
        }
    }

    private static void cancel(ScheduledFuture<?> task) {
        if (task != null) {
            task.cancel(false);
        }
    }

    private record Failure(Throwable error) {
    }
}
