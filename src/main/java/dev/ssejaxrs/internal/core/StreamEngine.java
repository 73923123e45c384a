package dev.ssejaxrs.internal.core;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;


import dev.ssejaxrs.stream.CloseReason;
import dev.ssejaxrs.stream.StreamOptions;

/**
 * The engine behind an application's {@code SseRuntime}: its open streams, the worker threads that write them, the
 * one scheduler that sends every stream's pings and watches send timeouts, and the application's shutdown. The
 * public {@code SseRuntime} shows its statistics and shutdown signal; the Jersey adapter and the stream pumps work
 * with this class. Nothing here is static, so two applications in one JVM never see each other's streams.
 *
 * <p>Threads: writes run on a small pool ({@code max(2, cores)} threads, or {@code SseRuntime.WRITER_THREADS})
 * and never wait for a slow client on Grizzly and on servlet containers (they resume when the connection is
 * writable again), so idle streams hold no thread. Iterator sources run on a separate pool of at most
 * {@value #READER_THREADS} threads that exist only while such a source is being read. No thread is started until
 * the first stream opens. Lent executors ({@code SseRuntime.EXECUTOR}, {@code SseRuntime.SCHEDULER}) or a Jakarta EE
 * server's managed ones replace these pools and are never shut down here. All methods are thread-safe.
 */
public final class StreamEngine {
    private static final System.Logger LOG = System.getLogger(StreamEngine.class.getName());
    /** At most this many threads read iterator sources at once; a stream that finds none free fails, saying so. */
    public static final int READER_THREADS = 256;
    /** How often the scheduler looks for streams whose client stopped reading or reset its HTTP/2 stream. */
    public static final Duration WATCHDOG_TICK = Duration.ofMillis(100);
    /** Time given, after the longest grace period, to write farewells before connections are dropped. */
    public static final Duration FAREWELL_WRITE_LIMIT = Duration.ofSeconds(2);

    private final String name = "sse-jaxrs-" + Integer.toHexString(System.identityHashCode(this));
    private final Set<StreamPump> streams = ConcurrentHashMap.newKeySet();
    /** Streams whose watchdog check threw, so that each is logged once; the watchdog's thread only. */
    private final Set<StreamPump> watchFailures = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Void> shutdownSignal = new CompletableFuture<>();
    private final AtomicBoolean shuttingDown = new AtomicBoolean();
    /** Completes when {@link #shutdown()} has finished; the thread that runs it, while it does. */
    private final CompletableFuture<Void> shutdownDone = new CompletableFuture<>();
    private volatile Thread shutdownThread;
    private final AtomicBoolean watchdogStarted = new AtomicBoolean();
    private final LongAdder eventsWritten = new LongAdder();
    private final LongAdder bytesWritten = new LongAdder();
    private final Map<CloseReason, LongAdder> ended = new EnumMap<>(CloseReason.class);
    /** Set once the application has started (by {@link ApplicationJson}): its own providers write JSON data. */
    private volatile ItemEncoder encoder = ItemEncoder.DEFAULT;
    private final AtomicInteger scheduledPings = new AtomicInteger();
    private final Object closedMonitor = new Object();
    /** The library's own pools, or {@code null} where the application lent executors. */
    private final ThreadPoolExecutor ownWriters;
    private final ThreadPoolExecutor ownReaders;
    private final ScheduledThreadPoolExecutor ownScheduler;
    /** The lent executor (writes and iterator reads), or {@code null}. */
    private final ContainerExecutors.Borrowed borrowed;
    private final Executor writers;
    private final Executor blockingReaders;
    private final ScheduledExecutorService scheduler;
    private volatile ScheduledFuture<?> watchdog;

    public StreamEngine() {
        this(Math.max(2, Runtime.getRuntime().availableProcessors()), READER_THREADS, null, null);
    }

    /** With at most {@code readerThreads} threads reading iterator sources at once. */
    public StreamEngine(int readerThreads) {
        this(Math.max(2, Runtime.getRuntime().availableProcessors()), readerThreads, null, null);
    }

    /**
     * With {@code size} writer threads, or, when {@code lentExecutor} is given, that executor for writes and
     * iterator reads; with the library's scheduler unless {@code lentScheduler} is given.
     */
    public StreamEngine(int size, int readerThreads, Executor lentExecutor, ScheduledExecutorService lentScheduler) {
        for (CloseReason reason : CloseReason.values()) {
            ended.put(reason, new LongAdder());
        }
        if (lentExecutor == null) {
            borrowed = null;
            ownWriters = new ThreadPoolExecutor(size, size, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                    threads("writer"));
            ownWriters.allowCoreThreadTimeOut(true);
            ownReaders = new ThreadPoolExecutor(0, readerThreads, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                    threads("source"), (task, pool) -> {
                        throw new RejectedExecutionException("all " + readerThreads + " threads that read iterator "
                                + "sources are busy: a stream whose iterator blocks holds one while it waits; stream "
                                + "such a source as a Flow.Publisher instead");
                    });
            writers = ownWriters;
            blockingReaders = ownReaders;
        } else {
            borrowed = new ContainerExecutors.Borrowed(lentExecutor);
            ownWriters = null;
            ownReaders = null;
            writers = borrowed;
            blockingReaders = borrowed;
        }
        if (lentScheduler == null) {
            ownScheduler = new ScheduledThreadPoolExecutor(1, threads("scheduler"));
            ownScheduler.setRemoveOnCancelPolicy(true);
            ownScheduler.setKeepAliveTime(30, TimeUnit.SECONDS);
            ownScheduler.allowCoreThreadTimeOut(true);
            scheduler = ownScheduler;
        } else {
            ownScheduler = null;
            scheduler = lentScheduler;
        }
    }

    /** How many event streams of this application are open now. */
    public int activeStreams() {
        return streams.size();
    }

    /**
     * How many events (items of the streams' sources, pings not counted) this application's streams have written
     * and flushed since it started; sample it to get events per second.
     */
    public long eventsWritten() {
        return eventsWritten.sum();
    }

    /** How many bytes (events, pings and farewells) this application's streams have written and flushed. */
    public long bytesWritten() {
        return bytesWritten.sum();
    }

    /**
     * How many of this application's streams have ended for {@code reason} since it started ({@link CloseReason
     * #SEND_TIMEOUT}: the client stopped reading). Streams that never opened (a {@code HEAD} request, say) are not
     * counted.
     */
    public long streamsEnded(CloseReason reason) {
        return ended.get(java.util.Objects.requireNonNull(reason, "reason")).sum();
    }

    public void written(int events, int bytes) {
        eventsWritten.add(events);
        bytesWritten.add(bytes);
    }

    public void ended(CloseReason reason) {
        if (reason != null) {
            ended.get(reason).increment();
        }
    }

    public ItemEncoder encoder() {
        return encoder;
    }

    public void encoder(ItemEncoder applicationEncoder) {
        encoder = applicationEncoder;
    }

    /** Whether the application has begun to shut down. */
    public boolean isShuttingDown() {
        return shuttingDown.get();
    }

    /**
     * Completes when the application begins to shut down. A producer can watch it to send its last events and
     * complete within its stream's {@linkplain StreamOptions#shutdownGracePeriod() grace period}.
     */
    public CompletionStage<Void> shutdownSignal() {
        return shutdownSignal.copy();
    }

    /**
     * How many keep-alive ping tasks are scheduled now: one per open stream with pings on, none left behind by a
     * stream that ended.
     */
    public int scheduledPings() {
        return scheduledPings.get();
    }

    /**
     * Opens {@code stream} onto {@code connection}: subscribes to its publisher (the stream runs once
     * {@linkplain StreamPump#activate() activated}). Returns {@code null}, subscribing nothing, when the application
     * is stopping.
     */
    public StreamPump open(StreamSource source, StreamOptions options, StreamConnection connection) {
        if (shuttingDown.get()) {
            return null;
        }
        StreamPump pump = new StreamPump(this, options, connection);
        streams.add(pump);
        startWatchdog();
        Flow.Publisher<?> publisher;
        try {
            publisher = source.publisher(blockingReaders);
        } catch (RuntimeException e) {
            pump.onError(e); // the source could not be read at all (an Iterable whose iterator() threw)
            return pump;
        }
        pump.subscribe(publisher);
        if (shuttingDown.get()) {
            pump.shutdown();
        }
        return pump;
    }

    public void pingScheduled() {
        scheduledPings.incrementAndGet();
    }

    public void pingCancelled() {
        scheduledPings.decrementAndGet();
    }

    public void closed(StreamPump pump) {
        if (streams.remove(pump) && streams.isEmpty()) {
            synchronized (closedMonitor) {
                closedMonitor.notifyAll();
            }
        }
    }

    public Executor writers() {
        return writers;
    }

    public Executor blockingReaders() {
        return blockingReaders;
    }

    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /**
     * One tick of the watchdog: send timeouts and HTTP/2 resets of every open stream. A scheduled task that throws
     * is never run again, and with it every stream's send timeout would stop: so whatever one stream's check
     * throws is logged (once per stream) and the others are checked all the same.
     */
    void watch() {
        long now = System.nanoTime();
        for (StreamPump pump : streams) {
            try {
                pump.checkSendTimeout(now);
                pump.checkClientGone(); // an HTTP/2 stream reset alone (the connection stays open)
            } catch (RuntimeException | Error e) {
                if (watchFailures.add(pump)) {
                    LOG.log(Level.WARNING, "the watchdog's check of an event stream threw", e);
                }
            }
        }
        watchFailures.retainAll(streams);
    }

    private void startWatchdog() {
        if (watchdogStarted.compareAndSet(false, true)) {
            long tick = WATCHDOG_TICK.toNanos();
            watchdog = scheduler.scheduleWithFixedDelay(this::watch, tick, tick, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Shuts every stream down and stops the threads: sets the shutdown signal, lets each stream's publisher go on
     * for its grace period, writes the farewell events and ends the streams, then drops what is still open.
     * Blocks at most the longest grace period plus {@link #FAREWELL_WRITE_LIMIT}; calling it again is harmless, and a
     * second caller (the container's stop while the JVM's shutdown hook is at work, say) returns only when the first
     * has finished, so that no container closes connections before the farewells are written.
     */
    public void shutdown() {
        if (!shuttingDown.compareAndSet(false, true)) {
            if (Thread.currentThread() != shutdownThread) {
                shutdownDone.join();
            }
            return;
        }
        shutdownThread = Thread.currentThread();
        try {
            shutdownStreamsAndThreads();
        } finally {
            shutdownDone.complete(null);
        }
    }

    private void shutdownStreamsAndThreads() {
        shutdownSignal.complete(null);
        Duration longestGrace = Duration.ZERO;
        for (StreamPump pump : streams) {
            Duration grace = pump.shutdown();
            if (grace.compareTo(longestGrace) > 0) {
                longestGrace = grace;
            }
        }
        long deadline = System.nanoTime() + longestGrace.plus(FAREWELL_WRITE_LIMIT).toNanos();
        synchronized (closedMonitor) {
            long left;
            while (!streams.isEmpty() && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(closedMonitor, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        for (StreamPump pump : streams) {
            LOG.log(Level.DEBUG, "dropping a stream that did not end in time on shutdown");
            pump.close(CloseReason.SHUTDOWN, true);
        }
        ScheduledFuture<?> watch = watchdog;
        if (watch != null) {
            watch.cancel(false);
        }
        if (borrowed != null) {
            borrowed.stop(); // lent executors are the application's (or the server's): never shut down here
        }
        if (ownScheduler != null) {
            ownScheduler.shutdownNow();
        }
        if (ownWriters != null) {
            ownWriters.shutdown();
            ownReaders.shutdownNow();
            try {
                ownWriters.awaitTermination(FAREWELL_WRITE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ownWriters.shutdownNow();
        }
    }

    /**
     * Lets the container make the library's own writer threads (on Grizzly: Grizzly's worker threads, whose buffer
     * pool and caches every Grizzly write uses; on a plain thread Grizzly allocates them anew for each write).
     */
    public void writerThreadKind(BiFunction<Runnable, String, Thread> kind) {
        if (ownWriters != null) {
            ownWriters.setThreadFactory(threads("writer", kind));
        }
    }

    private ThreadFactory threads(String role) {
        return threads(role, Thread::new);
    }

    private ThreadFactory threads(String role, BiFunction<Runnable, String, Thread> kind) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread t = kind.apply(task, name + "-" + role + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
