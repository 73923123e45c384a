package dev.ssejaxrs.stream;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The event-stream machinery of one JAX-RS application: its open streams, the worker threads that write them, the
 * one scheduler that sends every stream's pings and watches send timeouts, and the application's shutdown signal.
 * {@link SseFeature} makes one per application; inject it with {@code @Context SseRuntime runtime}. Nothing here
 * is static, so two applications in one JVM never see each other's streams or shutdown.
 *
 * <pre>{@code
 * @GET @Path("/stats") @Produces(MediaType.APPLICATION_JSON)
 * public Map<String, Object> stats(@Context SseRuntime runtime) {
 *     return Map.of("activeStreams", runtime.activeStreams());
 * }
 * }</pre>
 *
 * <p>Threads: writes run on a small pool ({@code max(2, cores)} threads) and never wait for a slow client on
 * Grizzly (they resume when the connection is writable again), so idle streams hold no thread. Iterator sources
 * run on a separate pool whose threads exist only while such a source is being read. No thread is started until
 * the first stream opens. All methods are thread-safe.
 */
public final class SseRuntime {
    private static final System.Logger LOG = System.getLogger(SseRuntime.class.getName());
    /** How often the scheduler looks for streams whose client stopped reading. */
    static final Duration WATCHDOG_TICK = Duration.ofMillis(100);
    /** Time given, after the longest grace period, to write farewells before connections are dropped. */
    static final Duration FAREWELL_WRITE_LIMIT = Duration.ofSeconds(2);

    private final String name = "sse-jaxrs-" + Integer.toHexString(System.identityHashCode(this));
    private final Set<StreamPump> streams = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Void> shutdownSignal = new CompletableFuture<>();
    private final AtomicBoolean shuttingDown = new AtomicBoolean();
    /** Completes when {@link #shutdown()} has finished; the thread that runs it, while it does. */
    private final CompletableFuture<Void> shutdownDone = new CompletableFuture<>();
    private volatile Thread shutdownThread;
    private final AtomicBoolean watchdogStarted = new AtomicBoolean();
    private final Object closedMonitor = new Object();
    private final ThreadPoolExecutor writers;
    private final ThreadPoolExecutor blockingReaders;
    private final ScheduledThreadPoolExecutor scheduler;

    SseRuntime() {
        int size = Math.max(2, Runtime.getRuntime().availableProcessors());
        writers = new ThreadPoolExecutor(size, size, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                threads("writer"));
        writers.allowCoreThreadTimeOut(true);
        blockingReaders = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                threads("source"));
        scheduler = new ScheduledThreadPoolExecutor(1, threads("scheduler"));
        scheduler.setRemoveOnCancelPolicy(true);
        scheduler.setKeepAliveTime(30, TimeUnit.SECONDS);
        scheduler.allowCoreThreadTimeOut(true);
    }

    /** How many event streams of this application are open now. */
    public int activeStreams() {
        return streams.size();
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

    /** Starts streaming {@code stream} onto {@code connection}; the response headers have been sent. */
    void open(EventStream stream, StreamConnection connection) {
        StreamPump pump = new StreamPump(this, stream.options(), connection);
        if (shuttingDown.get()) {
            pump.refuse();
            return;
        }
        streams.add(pump);
        startWatchdog();
        pump.start(stream.publisher(blockingReaders));
        if (shuttingDown.get()) {
            pump.shutdown();
        }
    }

    void closed(StreamPump pump) {
        if (streams.remove(pump) && streams.isEmpty()) {
            synchronized (closedMonitor) {
                closedMonitor.notifyAll();
            }
        }
    }

    ExecutorService writers() {
        return writers;
    }

    ScheduledThreadPoolExecutor scheduler() {
        return scheduler;
    }

    private void startWatchdog() {
        if (watchdogStarted.compareAndSet(false, true)) {
            long tick = WATCHDOG_TICK.toNanos();
            scheduler.scheduleWithFixedDelay(() -> {
                long now = System.nanoTime();
                for (StreamPump pump : streams) {
                    pump.checkSendTimeout(now);
                }
            }, tick, tick, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Shuts every stream down and stops the threads: sets the shutdown signal, lets each stream's publisher go on
     * for its grace period, writes the farewell events and ends the streams, then drops what is still open.
     * Blocks at most the longest grace period plus {@link #FAREWELL_WRITE_LIMIT}; calling it again is harmless, and a
     * second caller (the container's stop while the JVM's shutdown hook is at work, say) returns only when the first
     * has finished, so that no container closes connections before the farewells are written.
     */
    void shutdown() {
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
        scheduler.shutdownNow();
        writers.shutdown();
        blockingReaders.shutdownNow();
        try {
            writers.awaitTermination(FAREWELL_WRITE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writers.shutdownNow();
    }

    private ThreadFactory threads(String role) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread t = new Thread(task, name + "-" + role + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
