package dev.ssejaxrs.broadcast;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.ServiceUnavailableException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.ssejaxrs.event.LineSeparator;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.internal.jersey.InvalidAddressMapper;
import dev.ssejaxrs.internal.store.AddressCompleteException;
import dev.ssejaxrs.internal.store.ChannelStore;
import dev.ssejaxrs.internal.store.ConnectionQueue;
import dev.ssejaxrs.stream.EventStream;

/**
 * Streams that outlive their connection: a producer (an LLM's tokens, a job's steps) runs under a stream id,
 * detached from any request; its events are stored (in memory, or in Redis shared by every node) with the
 * registry's ids; any request on any node {@linkplain #resume resumes} the stream from a {@code Last-Event-ID},
 * replaying then going live, and the stream <b>ends</b> when the producer does, with a last event the client can
 * tell apart: {@code event: done}, {@code event: error} (data {@code {"error": "..."}}) or {@code event: cancelled}.
 *
 * <pre>{@code
 * @POST @Path("answers") @Produces(MediaType.SERVER_SENT_EVENTS)
 * public Response answer(String prompt) {
 *     String id = streams.start(emitter -> {
 *         for (String word : model.words(prompt)) {
 *             emitter.emit(SseEvent.builder().event("token").data(word).build());
 *         }
 *         return SseEvent.of("{\"finish\": \"stop\"}");              // sent as event: done
 *     });
 *     return Response.ok(streams.resume(id, null)).header("Location", "answers/" + id).build();
 * }
 *
 * @GET @Path("answers/{id}") @Produces(MediaType.SERVER_SENT_EVENTS)
 * public EventStream again(@PathParam("id") String id, @HeaderParam("Last-Event-ID") String lastEventId) {
 *     return streams.resume(id, lastEventId);                        // 204 once it is no longer kept, 404 unknown
 * }
 * }</pre>
 *
 * <p>How it is built: each stream is an address of a registry of its own ({@link EventRegistry}), whose history is
 * the stream's events and whose {@linkplain EventRegistry#complete completion} is its end. Its first event is a
 * comment with the store's id (the stream exists, on every node, from the moment {@link #start} returns); a resume
 * without {@code Last-Event-ID} replays from it. Ending is one atomic step in the store, and the first end wins:
 * the producer's completion, its error, a limit, {@link #cancel} from any node, or {@link #close}. The node that runs
 * a producer watches its stream's address as a subscriber: when another node ends it, that subscription ends and the
 * producer is stopped (interrupted; a publisher's subscription cancelled). The signal cannot be lost: it is the
 * store's state, and the producer's next {@link Emitter#emit} fails on a complete address anyway.
 *
 * <p>Bounded: {@code maxEventsPerStream} and {@code maxBytesPerStream} end a stream with {@code event: error} naming
 * the limit, {@code timeToLive} the same, and {@code maxLiveStreams} refuses {@link #start} with
 * {@link ResumableLimitException}. A finished stream is kept for {@code retention}, then a resume answers 204 (a
 * browser's {@code EventSource} stops reconnecting). Ids that this class did not make answer 404.
 *
 * <p>Threads: each callback or iterator producer runs on the options' executor (by default a daemon thread of its
 * own); {@link #resume} and {@link #cancel} may block the calling thread for a store round trip (on Redis, at most
 * the command timeout). Thread-safe.
 */
public final class ResumableStreams implements AutoCloseable {
    /** The name of the last event of a stream whose producer completed. */
    public static final String DONE = "done";
    /** The name of the last event of a stream whose producer failed, or that reached a limit. */
    public static final String ERROR = "error";
    /** The name of the last event of a stream that was {@linkplain #cancel cancelled}. */
    public static final String CANCELLED = "cancelled";

    private static final System.Logger LOG = System.getLogger(ResumableStreams.class.getName());
    /** A stream id: when it was made (milliseconds, base 36), then 128 random bits (base64url). */
    private static final Pattern ID = Pattern.compile("([0-9a-z]{1,12})-[A-Za-z0-9_-]{22}");
    private static final SseEvent CANCEL = SseEvent.builder().event(CANCELLED).data("{\"cancelled\":true}").build();

    private final ResumableOptions options;
    private final EventRegistry registry;
    private final ExecutorService executor;
    private final boolean ownExecutor;
    private final ScheduledThreadPoolExecutor deadlines;
    private final ConcurrentHashMap<String, Run> running = new ConcurrentHashMap<>();
    /** Producers running here, for {@code maxLiveStreams}: reserved before a start, released at its end. */
    private final AtomicInteger live = new AtomicInteger();
    private final SecureRandom random = new SecureRandom();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Resumable streams with {@code options}: in memory, or on the Redis the options name.
     *
     * @param options where and how long streams are kept (not null)
     * @throws dev.ssejaxrs.redis.RedisUnavailableException when Redis is configured but cannot be reached
     * @throws IllegalStateException when Redis is configured and Lettuce is not on the class path
     */
    public ResumableStreams(ResumableOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        // a history that holds every event of a stream for as long as it runs and is kept afterwards
        RegistryOptions.Builder registryOptions = RegistryOptions.builder()
                .history(options.maxEventsPerStream() + 2, options.timeToLive().plus(options.retention()))
                .maxAddresses(Math.max(10_000, 10 * options.maxLiveStreams()))
                .streamOptions(options.streamOptions());
        if (options.redis() != null) {
            registryOptions.redis(options.redis());
        }
        this.registry = new EventRegistry(registryOptions.build());
        this.ownExecutor = options.executor() == null;
        this.executor = ownExecutor ? Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "sse-resumable-producer");
            thread.setDaemon(true);
            return thread;
        }) : options.executor();
        this.deadlines = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "sse-resumable-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        deadlines.setRemoveOnCancelPolicy(true); // a stream that ends in time leaves nothing behind
    }

    /**
     * Produces a stream's events: called once, on the executor, detached from any request.
     */
    @FunctionalInterface
    public interface Producer {
        /**
         * Emits the stream's events, then returns.
         *
         * @param emitter stores each event (with the store's id) and hands it to the stream's clients
         * @return the data (and comment) of the last event, sent as {@code event: done}; {@code null} for
         *     {@code {"events": n}}
         * @throws Exception ends the stream with {@code event: error} (the exception is logged, never sent)
         */
        SseEvent produce(Emitter emitter) throws Exception;
    }

    /** What a {@link Producer} emits its events to. Used by the producer's thread only. */
    public interface Emitter {
        /**
         * The stream's id.
         *
         * @return the id {@link #start} returned
         */
        String streamId();

        /**
         * Stores one event of the stream (its own id, if any, is replaced by the store's) and hands it to the
         * stream's clients; returns once it is stored (on Redis, one round trip).
         *
         * @param item an {@link SseEvent}, a {@code String} (the data) or an object (JSON data)
         * @throws InterruptedException when the stream is cancelled while it waits
         * @throws CancellationException when the stream has ended (cancelled, a limit, its time to live): stop
         * @throws dev.ssejaxrs.redis.RedisUnavailableException while Redis is away (the stream then ends with
         *     {@code event: error}, if Redis is back to store it)
         */
        void emit(Object item) throws InterruptedException;

        /**
         * Whether the stream has ended (cancelled, a limit, its time to live): a producer that waits for something
         * else than {@link #emit} may poll it.
         *
         * @return whether to stop
         */
        boolean isEnded();
    }

    /**
     * Starts {@code producer} under a new stream id and returns at once (after one store round trip).
     *
     * @param producer the producer (not null)
     * @return the stream id: URL-safe, 22 random characters and the time it was made
     * @throws ResumableLimitException when {@code maxLiveStreams} producers run here already
     * @throws ServiceUnavailableException (503, JSON reason) when the store cannot take the stream (Redis away)
     * @throws IllegalStateException when closed
     */
    public String start(Producer producer) {
        Objects.requireNonNull(producer, "producer");
        if (closed.get()) {
            throw new IllegalStateException("the resumable streams are closed");
        }
        if (live.incrementAndGet() > options.maxLiveStreams()) {
            live.decrementAndGet();
            throw new ResumableLimitException("maxLiveStreams", "this server runs " + options.maxLiveStreams()
                    + " streams, the most it may (maxLiveStreams): try again later");
        }
        Run run;
        try {
            String id = newId();
            Address address = Address.topic(id);
            // its first event: from now on the stream exists on every node, and a resume replays from here
            String first = await(registry.publish(address, SseEvent.comment("stream " + id)), "start a stream").id();
            run = new Run(id, address, first, producer);
            running.put(id, run);
        } catch (RuntimeException e) {
            live.decrementAndGet();
            throw e;
        }
        run.watch();
        try {
            run.deadline = deadlines.schedule(() -> run.end(error("the stream ran longer than its time to live, "
                    + options.timeToLive() + " (timeToLive)")), options.timeToLive().toMillis(), TimeUnit.MILLISECONDS);
            executor.execute(run::produce);
        } catch (RejectedExecutionException e) {
            run.end(error("the server could not run the stream's producer"));
            throw new ServiceUnavailableException(unavailable("the server could not run the stream's producer"));
        }
        return run.id;
    }

    /**
     * Starts a stream of the items of {@code items}, read on the executor; the stream ends with {@code event: done}
     * after the last one. An iterator that is {@link AutoCloseable} is closed at the end.
     *
     * @param items the items: {@link SseEvent}s, {@code String}s (data) or objects (JSON data)
     * @return the stream id
     * @throws ResumableLimitException when {@code maxLiveStreams} producers run here already
     * @throws ServiceUnavailableException (503) when the store cannot take the stream
     */
    public String start(Iterator<?> items) {
        Objects.requireNonNull(items, "items");
        return start(emitter -> {
            try {
                while (items.hasNext()) {
                    emitter.emit(items.next());
                }
                return null;
            } finally {
                if (items instanceof AutoCloseable closeable) {
                    closeable.close();
                }
            }
        });
    }

    /**
     * Starts a stream of the items {@code publisher} emits, requested one at a time as each is stored; the stream
     * ends with {@code event: done} when it completes, {@code event: error} when it fails, and its subscription is
     * cancelled when the stream ends first.
     *
     * @param publisher the items: {@link SseEvent}s, {@code String}s (data) or objects (JSON data)
     * @return the stream id
     * @throws ResumableLimitException when {@code maxLiveStreams} producers run here already
     * @throws ServiceUnavailableException (503) when the store cannot take the stream
     */
    public String startPublisher(Flow.Publisher<?> publisher) {
        Objects.requireNonNull(publisher, "publisher");
        return start(emitter -> new PublisherDrain(publisher).emitAll(emitter));
    }

    /**
     * The stream {@code id} from the event after {@code lastEventId} (without one, from its first), on any node:
     * the retained events, then live ones, then its last event and the end. Return it from a resource method.
     *
     * @param id the stream id
     * @param lastEventId the last event id the client saw ({@code null} or empty: none)
     * @return the stream
     * @throws NotFoundException (404, JSON reason) when {@code id} is not an id this class makes
     * @throws WebApplicationException with 204 when the stream is no longer kept, or is finished and the client
     *     has its last event
     * @throws ServiceUnavailableException (503, JSON reason) when the store cannot answer (Redis away)
     */
    public EventStream resume(String id, String lastEventId) {
        Address address = addressOf(id);
        ChannelStore.Kept kept = await(registry.store.kept(address), "resume a stream");
        if (kept == null) {
            throw new WebApplicationException(Response.noContent().build()); // finished, and no longer kept
        }
        boolean fromStart = lastEventId == null || lastEventId.isEmpty();
        String from = fromStart && kept.oldest() != null ? kept.oldest().toString() : lastEventId;
        return registry.subscribe(address).lastEventId(from).open(); // 204 when complete and the client has it
    }

    /**
     * Cancels the stream {@code id}, from any node: its producer stops (where it runs) and its streams end with
     * {@code event: cancelled}. A finished stream stays as it is.
     *
     * @param id the stream id
     * @return {@code true} when the stream is known (running, now cancelled, or finished and still kept);
     *     {@code false} when it is not (404)
     * @throws ServiceUnavailableException (503, JSON reason) when the store cannot answer (Redis away)
     */
    public boolean cancel(String id) {
        Address address = ID.matcher(id == null ? "" : id).matches() ? Address.topic(id) : null;
        if (address == null) {
            return false;
        }
        Run here = running.get(id);
        if (here != null) {
            here.end(CANCEL);
            return true;
        }
        ChannelStore.Kept kept = await(registry.store.kept(address), "cancel a stream");
        if (kept == null) {
            return false;
        }
        if (!kept.isComplete()) {
            // one atomic step in the store: the node that runs the producer learns it from there
            await(registry.complete(address, CANCEL, options.retention())
                    .exceptionally(e -> null), "cancel a stream"); // ended meanwhile: the first end stays
        }
        return true;
    }

    /**
     * How many producers run on this node now.
     *
     * @return the count, at most {@code maxLiveStreams}
     */
    public int live() {
        return running.size();
    }

    /**
     * Ends every stream whose producer runs here with {@code event: error} (the server stopped), stops the
     * producers, and closes the store. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<CompletableFuture<?>> ending = new ArrayList<>();
        for (Run run : List.copyOf(running.values())) {
            CompletableFuture<?> stored = run.end(error("the server stopped before the stream finished"));
            if (stored != null) {
                ending.add(stored);
            }
        }
        try {
            CompletableFuture.allOf(ending.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "not every stream's end was stored before closing", e);
        }
        deadlines.shutdownNow();
        if (ownExecutor) {
            executor.shutdownNow();
        }
        registry.close();
    }

    /** The address of {@code id}; 404 when it is not an id this class makes, or one made in the future. */
    private static Address addressOf(String id) {
        Matcher m = ID.matcher(id == null ? "" : id);
        if (!m.matches() || Long.parseLong(m.group(1), 36) > System.currentTimeMillis() + 60_000) {
            boolean plain = id != null && id.length() <= 64 && id.chars().allMatch(c -> c > 0x20 && c < 0x7f);
            String reason = "no stream with id " + (plain ? "\"" + id + "\"" : "(not shown: not printable ASCII, or"
                    + " longer than 64)");
            throw new NotFoundException(reason, Response.status(Response.Status.NOT_FOUND)
                    .type(MediaType.APPLICATION_JSON_TYPE.withCharset("UTF-8"))
                    .entity(InvalidAddressMapper.errorJson(reason)).build());
        }
        return Address.topic(id);
    }

    private String newId() {
        byte[] bits = new byte[16];
        random.nextBytes(bits);
        return Long.toString(System.currentTimeMillis(), 36) + "-"
                + Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
    }

    private static SseEvent error(String reason) {
        return SseEvent.builder().event(ERROR).data(InvalidAddressMapper.errorJson(reason)).build();
    }

    /** The stage's value, waiting at most the store's command timeout; 503 when the store cannot answer. */
    private <T> T await(CompletionStage<T> stage, String what) {
        long timeout = options.redis() == null ? 5_000 : 2 * options.redis().commandTimeout().toMillis();
        try {
            return stage.toCompletableFuture().get(timeout, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceUnavailableException(unavailable("interrupted while trying to " + what));
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            LOG.log(System.Logger.Level.WARNING, "cannot " + what, cause);
            throw new ServiceUnavailableException(unavailable("cannot " + what + " now: the store is unavailable"));
        }
    }

    private static Response unavailable(String reason) {
        return Response.status(Response.Status.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "5")
                .type(MediaType.APPLICATION_JSON_TYPE.withCharset("UTF-8"))
                .entity(InvalidAddressMapper.errorJson(reason)).build();
    }

    /**
     * One stream whose producer runs here. Its end is decided once ({@link #ended}): by the producer's thread
     * (done, error, a limit), the deadline thread, a {@link #cancel} caller, {@link #close}, or the watch that sees
     * another node end it. Only the producer's thread counts events and bytes; {@link #thread} is read and
     * interrupted under this object's monitor, so that no thread is interrupted after it left the producer.
     */
    private final class Run implements Emitter {
        final String id;
        final Address address;
        final String first;
        final Producer producer;
        final AtomicBoolean ended = new AtomicBoolean();
        volatile ScheduledFuture<?> deadline;
        private Thread thread;
        private ConnectionQueue watch;
        private long events;
        private long bytes;

        Run(String id, Address address, String first, Producer producer) {
            this.id = id;
            this.address = address;
            this.first = first;
            this.producer = producer;
        }

        /**
         * Subscribes to its own address, from its first event: the subscription ends when the address completes,
         * whoever completed it (its events are only counted off).
         */
        void watch() {
            ConnectionQueue queue = new ConnectionQueue(registry.store, List.of(address), Caller.anonymous(), first,
                    null, null, registry.options());
            synchronized (this) {
                watch = queue;
            }
            queue.subscribe(new Flow.Subscriber<Object>() {
                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                    subscription.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(Object item) {
                }

                @Override
                public void onError(Throwable failure) {
                    // the store is away: the producer's next emit finds out, and the deadline bounds it
                    LOG.log(System.Logger.Level.DEBUG, () -> "stream " + id + " is not watched: " + failure);
                }

                @Override
                public void onComplete() {
                    endedElsewhere();
                }
            });
        }

        void produce() {
            synchronized (this) {
                if (ended.get()) {
                    return; // cancelled before it started
                }
                thread = Thread.currentThread();
            }
            try {
                SseEvent done = producer.produce(this);
                end(done == null ? SseEvent.builder().event(DONE).data("{\"events\":" + events + "}").build()
                        : done.toBuilder().event(DONE).id(null).build());
            } catch (CancellationException | InterruptedException e) {
                end(error("the stream's producer was interrupted")); // unless it ended first, as it usually did
            } catch (Exception e) {
                if (!ended.get()) {
                    LOG.log(System.Logger.Level.WARNING, "the producer of stream " + id + " failed", e);
                }
                end(error("the stream's producer failed"));
            } finally {
                synchronized (this) {
                    thread = null;
                    Thread.interrupted(); // an interrupt meant for this producer stays here
                }
            }
        }

        @Override
        public String streamId() {
            return id;
        }

        @Override
        public boolean isEnded() {
            return ended.get();
        }

        @Override
        public void emit(Object item) throws InterruptedException {
            if (ended.get()) {
                throw new CancellationException("stream " + id + " has ended");
            }
            SseEvent event = (item instanceof SseEvent e ? e : item instanceof String data ? SseEvent.of(data)
                    : SseEvent.json(item)).withId(null);
            if (events + 1 > options.maxEventsPerStream()) {
                throw limit("the stream reached its limit of " + options.maxEventsPerStream()
                        + " events (maxEventsPerStream)");
            }
            long size = event.encodedLength(LineSeparator.CRLF);
            if (bytes + size > options.maxBytesPerStream()) {
                throw limit("the stream reached its limit of " + options.maxBytesPerStream()
                        + " bytes (maxBytesPerStream)");
            }
            events++;
            bytes += size;
            try {
                registry.publish(address, event).toCompletableFuture().get();
            } catch (AddressCompleteException e) {
                throw endedBy(e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof AddressCompleteException complete) {
                    throw endedBy(complete);
                }
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
        }

        /** The address is complete: cancelled, or ended on another node. */
        private CancellationException endedBy(AddressCompleteException e) {
            endedElsewhere();
            CancellationException ended = new CancellationException("stream " + id + " has ended");
            ended.initCause(e);
            return ended;
        }

        private CancellationException limit(String reason) {
            end(error(reason));
            return new CancellationException(reason);
        }

        /**
         * Ends the stream with {@code last}, unless it has ended already; returns the stage of storing it, or
         * {@code null} when another end came first.
         */
        CompletableFuture<?> end(SseEvent last) {
            if (!ended.compareAndSet(false, true)) {
                return null;
            }
            CompletableFuture<?> stored = registry.complete(address, last, options.retention()).toCompletableFuture()
                    .whenComplete((delivery, failure) -> {
                        if (failure != null) {
                            LOG.log(System.Logger.Level.WARNING, "the end of stream " + id + " was not stored", failure);
                        }
                    });
            stop();
            return stored;
        }

        /** Another node (or a cancel through the store) ended the stream: stop the producer. */
        void endedElsewhere() {
            if (ended.compareAndSet(false, true)) {
                stop();
            }
        }

        private void stop() {
            ScheduledFuture<?> timer = deadline;
            if (timer != null) {
                timer.cancel(false);
            }
            ConnectionQueue watching;
            synchronized (this) {
                watching = watch;
                if (thread != null && thread != Thread.currentThread()) {
                    thread.interrupt();
                }
            }
            if (watching != null) {
                watching.cancel();
            }
            if (running.remove(id, this)) {
                live.decrementAndGet();
            }
        }
    }

    /**
     * A publisher's items taken on the producer's thread, one requested at a time (so a slow store slows the
     * publisher); its signals arrive on its own threads and wait in a queue.
     */
    private static final class PublisherDrain implements Flow.Subscriber<Object> {
        private static final Object COMPLETE = new Object();
        private final Flow.Publisher<?> publisher;
        private final LinkedBlockingQueue<Object> signals = new LinkedBlockingQueue<>();
        private volatile Flow.Subscription subscription;

        PublisherDrain(Flow.Publisher<?> publisher) {
            this.publisher = publisher;
        }

        SseEvent emitAll(Emitter emitter) throws Exception {
            @SuppressWarnings("unchecked")
            Flow.Publisher<Object> items = (Flow.Publisher<Object>) publisher;
            items.subscribe(this);
            boolean terminated = false;
            try {
                while (true) {
                    Object signal = signals.take();
                    if (signal == COMPLETE) {
                        terminated = true;
                        return null;
                    }
                    if (signal instanceof Failure failure) {
                        terminated = true;
                        throw failure.error instanceof Exception e ? e : new IllegalStateException(failure.error);
                    }
                    if (signal instanceof Flow.Subscription s) {
                        s.request(1);
                        continue;
                    }
                    emitter.emit(signal);
                    subscription.request(1);
                }
            } finally {
                Flow.Subscription s = subscription;
                if (!terminated && s != null) {
                    s.cancel();
                }
            }
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            signals.add(s);
        }

        @Override
        public void onNext(Object item) {
            signals.add(Objects.requireNonNull(item, "item (rule 2.13)"));
        }

        @Override
        public void onError(Throwable error) {
            signals.add(new Failure(error));
        }

        @Override
        public void onComplete() {
            signals.add(COMPLETE);
        }

        private record Failure(Throwable error) {
        }
    }
}
