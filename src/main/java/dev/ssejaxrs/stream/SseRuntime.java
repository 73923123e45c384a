package dev.ssejaxrs.stream;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

import jakarta.ws.rs.core.Configuration;

import dev.ssejaxrs.internal.core.ContainerExecutors;
import dev.ssejaxrs.internal.core.StreamEngine;

/**
 * The event-stream machinery of one JAX-RS application: its open streams, the worker threads that write them, the
 * one scheduler that sends every stream's pings and watches send timeouts, and the application's shutdown signal.
 * {@link EventStreamFeature} makes one per application; inject it with {@code @Context SseRuntime runtime}. Nothing here
 * is static, so two applications in one JVM never see each other's streams or shutdown.
 *
 * <pre>{@code
 * @GET @Path("/stats") @Produces(MediaType.APPLICATION_JSON)
 * public Map<String, Object> stats(@Context SseRuntime runtime) {
 *     return Map.of("activeStreams", runtime.activeStreams());
 * }
 * }</pre>
 *
 * <p>Threads: writes run on a small pool ({@code max(2, cores)} threads, or the {@link #WRITER_THREADS} property)
 * and never wait for a slow client on Grizzly and on servlet containers (they resume when the connection is
 * writable again), so idle streams hold no thread. Iterator sources run on a separate pool of at most
 * {@value StreamEngine#READER_THREADS} threads that exist only while such a source is being read. No thread is started until
 * the first stream opens. On a Jakarta EE server the server's default managed executors replace these pools (so
 * callbacks and sources run with the application's CDI and JNDI context), and an application may lend its own
 * ({@link #EXECUTOR}, {@link #SCHEDULER}); lent executors are never shut down here. All methods are thread-safe.
 */
public final class SseRuntime {
    /**
     * The application property that sets how many threads write the application's streams (default
     * {@code max(2, cores)}). Writes never wait for a client, so a few threads serve many streams.
     */
    public static final String WRITER_THREADS = "dev.ssejaxrs.writerThreads";
    /**
     * The application property that lends the runtime an {@link Executor} (an {@code ExecutorService}, a managed
     * one) for writes, iterator sources and close callbacks, instead of its own threads. It is never shut down here.
     */
    public static final String EXECUTOR = "dev.ssejaxrs.executor";
    /**
     * The application property that lends a {@link ScheduledExecutorService} for pings, send timeouts and grace
     * periods, instead of the runtime's own scheduler thread. It is never shut down here.
     */
    public static final String SCHEDULER = "dev.ssejaxrs.scheduler";
    /**
     * The application property that says whether, on a Jakarta EE server, the runtime uses the server's default
     * managed executors ({@code java:comp/DefaultManagedExecutorService} and
     * {@code java:comp/DefaultManagedScheduledExecutorService}) where no executor is lent: {@code true} (default) or
     * {@code false}.
     */
    public static final String MANAGED_EXECUTORS = "dev.ssejaxrs.managedExecutors";

    private final StreamEngine engine;

    private SseRuntime(StreamEngine engine) {
        this.engine = engine;
    }

    /** The runtime of an application with {@code configuration} (see {@link SseRuntime#WRITER_THREADS}). */
    static SseRuntime of(Configuration configuration) {
        Object value = configuration.getProperty(WRITER_THREADS);
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        if (value != null) {
            try {
                threads = Integer.parseInt(value.toString().trim());
            } catch (NumberFormatException e) {
                threads = 0;
            }
            if (threads < 1) {
                throw new IllegalArgumentException(WRITER_THREADS + " must be a positive number of threads: "
                        + value);
            }
        }
        Executor executor = lent(configuration, EXECUTOR, Executor.class);
        ScheduledExecutorService scheduler = lent(configuration, SCHEDULER, ScheduledExecutorService.class);
        Object managed = configuration.getProperty(MANAGED_EXECUTORS);
        if (managed != null && !"true".equals(managed.toString()) && !"false".equals(managed.toString())) {
            throw new IllegalArgumentException(MANAGED_EXECUTORS + " must be true or false: " + managed);
        }
        if (!"false".equals(String.valueOf(managed))) {
            executor = executor != null ? executor : ContainerExecutors.executor();
            scheduler = scheduler != null ? scheduler : ContainerExecutors.scheduler();
        }
        return new SseRuntime(new StreamEngine(threads, StreamEngine.READER_THREADS, executor, scheduler));
    }

    private static <T> T lent(Configuration configuration, String property, Class<T> type) {
        Object value = configuration.getProperty(property);
        if (value == null) {
            return null;
        }
        if (!type.isInstance(value)) {
            throw new IllegalArgumentException(property + " must be a " + type.getName() + ": "
                    + value.getClass().getName());
        }
        return type.cast(value);
    }

    /** The engine that runs this application's streams: the Jersey adapter and the stream pumps use it. */
    StreamEngine engine() {
        return engine;
    }

    /**
     * How many event streams of this application are open now.
     *
     * @return the number of open streams
     */
    public int activeStreams() {
        return engine.activeStreams();
    }

    /**
     * How many events (items of the streams' sources, pings not counted) this application's streams have written
     * and flushed since it started; sample it to get events per second.
     *
     * @return the number of events written, a running total
     */
    public long eventsWritten() {
        return engine.eventsWritten();
    }

    /**
     * How many bytes (events, pings and farewells) this application's streams have written and flushed.
     *
     * @return the number of bytes written, a running total
     */
    public long bytesWritten() {
        return engine.bytesWritten();
    }

    /**
     * How many of this application's streams have ended for {@code reason} since it started ({@link CloseReason
     * #SEND_TIMEOUT}: the client stopped reading). Streams that never opened (a {@code HEAD} request, say) are not
     * counted.
     *
     * @param reason the reason (not null)
     * @return the number of streams that ended for it, a running total
     */
    public long streamsEnded(CloseReason reason) {
        return engine.streamsEnded(reason);
    }

    /**
     * Whether the application has begun to shut down.
     *
     * @return whether shutdown has begun
     */
    public boolean isShuttingDown() {
        return engine.isShuttingDown();
    }

    /**
     * Completes when the application begins to shut down. A producer can watch it to send its last events and
     * complete within its stream's {@linkplain StreamOptions#shutdownGracePeriod() grace period}.
     *
     * @return a new stage on each call, completed with {@code null} when shutdown begins
     */
    public CompletionStage<Void> shutdownSignal() {
        return engine.shutdownSignal();
    }

    /**
     * How many keep-alive ping tasks are scheduled now: one per open stream with pings on, none left behind by a
     * stream that ended.
     *
     * @return the number of scheduled ping tasks
     */
    public int scheduledPings() {
        return engine.scheduledPings();
    }
}
