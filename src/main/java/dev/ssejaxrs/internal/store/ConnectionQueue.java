package dev.ssejaxrs.internal.store;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.Caller;
import dev.ssejaxrs.broadcast.RegistryOptions;
import dev.ssejaxrs.broadcast.SlowConsumerPolicy;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.internal.core.CallbackFailure;

/**
 * One subscriber connection's queue of events, bounded in count and in bytes ({@link EventBytes}), and the
 * {@link Flow.Publisher} its event stream reads. It
 * joins its addresses only when its stream subscribes (so a response that never streams never joins) and leaves
 * them when the stream cancels or ends.
 *
 * <p>Threads: the store {@link #offer}s events and {@link #fill}s the replay under its lock (the Redis store
 * completes its join, and offers live events, on its own threads); the stream's
 * {@link #request} and {@link #cancel} come from the stream's threads. The queue and flags are guarded by this
 * object's monitor; one drain at a time (the {@link #wip} counter) hands queued events to the stream, outside the
 * monitor.
 */
public final class ConnectionQueue implements Flow.Publisher<Object>, Flow.Subscription {
    private static final System.Logger LOG = System.getLogger(ConnectionQueue.class.getName());
    /**
     * What {@link #offer} did; each store counts it.
     *
     * @param delivered 1 if the event was queued for the subscriber, else 0
     * @param dropped how many events were lost: older queued ones pushed out (by count or bytes), or this one to a
     *     disconnected subscriber
     */
    public record Offer(int delivered, int dropped) {
        static final Offer DELIVERED = new Offer(1, 0);
        static final Offer DISCONNECTED = new Offer(0, 1);
        static final Offer REFUSED = new Offer(0, 0);
    }

    private final ChannelStore store;
    private final List<Address> addresses;
    private final Caller caller;
    private final String lastEventId;
    private final EventId openedAt;
    private final SseEvent greeting;
    private final int capacity;
    private final long maxBytes;
    private final SlowConsumerPolicy policy;
    /** The events not yet handed to the stream, each with its size ({@link EventBytes}). */
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    /** The sum of the sizes in {@link #queue}. */
    private long bytes;
    /** The latest values sent before the join's own (latest-value mode), all at or before {@link #openedAt}. */
    private List<SseEvent> latest = List.of();
    private final AtomicInteger wip = new AtomicInteger();
    /** Completes once the join completed and what it queued was offered to the stream (or the join failed). */
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    /** The stream's subscriber, until it cancels (rule 3.13: then dropped). */
    private Flow.Subscriber<? super Object> stream;
    private boolean subscribed;
    private long demand;
    private boolean joined;
    /** Set before the stream hears of a refused join: read by the stream's errorEvent on its own thread. */
    private volatile boolean joinRefused;
    private boolean cancelled;
    private boolean completing;
    private boolean completed;
    /** Application code failed for this subscriber: its stream ends with this error, after nothing else. */
    private CallbackFailure failure;
    private volatile boolean slow;
    /** Why {@link #expire} ended this subscriber, or {@code null}. */
    private volatile String expired;

    public ConnectionQueue(ChannelStore store, List<Address> addresses, Caller caller, String lastEventId,
            SseEvent greeting, RegistryOptions options) {
        this(store, addresses, caller, lastEventId, null, greeting, options);
    }

    /**
     * A queue whose subscription opened at {@code openedAt} ({@link ChannelStore#openPosition()}, or {@code null}):
     * without a {@code Last-Event-ID}, its join replays the retained events after that position.
     */
    public ConnectionQueue(ChannelStore store, List<Address> addresses, Caller caller, String lastEventId,
            EventId openedAt, SseEvent greeting, RegistryOptions options) {
        this.store = store;
        this.openedAt = openedAt;
        this.addresses = List.copyOf(addresses);
        this.caller = Objects.requireNonNull(caller, "caller");
        this.lastEventId = lastEventId;
        this.greeting = greeting;
        this.capacity = options.subscriberQueueSize();
        this.maxBytes = options.subscriberQueueBytes();
        this.policy = options.slowConsumerPolicy();
    }

    public List<Address> addresses() {
        return addresses;
    }

    public Caller caller() {
        return caller;
    }

    /** The {@code Last-Event-ID} the subscriber resumes from, or {@code null}. */
    public String lastEventId() {
        return lastEventId;
    }

    /**
     * The position at which the subscription opened (before its response head could leave), or {@code null}: the
     * join replays what was published after it, so that an event published once the client saw the head is never
     * missed, even though the join itself runs only when the stream starts.
     */
    public EventId openedAt() {
        return openedAt;
    }

    /** Whether the slow-consumer policy ended this subscriber. */
    public boolean endedAsSlow() {
        return slow;
    }

    /**
     * Joins the addresses and streams to {@code subscriber}. A queue streams once: a second subscriber gets
     * {@code onSubscribe} then {@code onError} (Reactive Streams rule 1.9).
     */
    @Override
    public void subscribe(Flow.Subscriber<? super Object> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        synchronized (this) {
            if (subscribed) {
                subscriber.onSubscribe(new Flow.Subscription() {
                    @Override
                    public void request(long n) {
                    }

                    @Override
                    public void cancel() {
                    }
                });
                subscriber.onError(new IllegalStateException("a registry subscription streams once"));
                return;
            }
            subscribed = true;
            stream = subscriber;
        }
        wip.getAndIncrement(); // nothing reaches the stream before onSubscribe, nor before the join completes
        CompletionStage<Void> joining;
        try {
            joining = store.join(this);
        } catch (RuntimeException e) {
            joining = CompletableFuture.failedFuture(e);
        }
        subscriber.onSubscribe(this);
        // the memory store has joined already; Redis completes on its I/O thread after the replay is read
        joining.whenComplete((done, failure) -> {
            if (failure != null) {
                refused(failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure);
                return;
            }
            synchronized (this) {
                joined = true;
            }
            drainLoop(1);
            started.complete(null);
        });
    }

    /** Whether the store could not serve the join (closed, Redis away): the stream ends with an error. */
    public boolean joinRefused() {
        return joinRefused;
    }

    /** Completes once the stream got what the join queued (as far as its demand went), or the join failed. */
    public CompletionStage<Void> started() {
        return started;
    }

    /** The store refused the join (closed, Redis away): rule 1.9, after onSubscribe the error. */
    private void refused(Throwable failure) {
        joinRefused = true;
        Flow.Subscriber<? super Object> s;
        synchronized (this) {
            s = cancelled ? null : stream;
            cancelled = true;
            stream = null;
            clearQueue();
        }
        store.leave(this);
        if (s != null) {
            s.onError(failure);
        }
        started.complete(null);
    }

    /**
     * Sends {@code events} (the latest values, at or before the {@linkplain #openedAt() opening position}) after the
     * greeting and before what the join queues; called before the stream subscribes.
     */
    public synchronized void startWith(List<SseEvent> events) {
        latest = List.copyOf(events);
    }

    /** The first events, before any live one: called once by the store while it holds its lock. */
    public synchronized void fill(List<SseEvent> first) {
        if (greeting != null) {
            add(greeting, EventBytes.of(greeting));
        }
        for (SseEvent event : latest) {
            add(event, EventBytes.of(event));
        }
        for (SseEvent event : first) {
            add(event, EventBytes.of(event)); // a replay may exceed the capacity once, in count and bytes
        }
    }

    /** As {@link #offer(SseEvent, int)}, measuring the event ({@link EventBytes#of}). */
    public Offer offer(SseEvent event) {
        return offer(event, EventBytes.of(event));
    }

    /**
     * Takes one event of {@code eventBytes} bytes into the queue, applying the slow-consumer policy when the queue
     * is full, in count or in bytes (an empty queue takes an event whatever its size). The store calls this under
     * its lock, which keeps every subscriber's events in publish order, and {@link #deliver()} after releasing it.
     */
    public synchronized Offer offer(SseEvent event, int eventBytes) {
        if (cancelled || completing) {
            return Offer.REFUSED;
        }
        if (queue.isEmpty() || queue.size() < capacity && bytes + eventBytes <= maxBytes) {
            add(event, eventBytes);
            return Offer.DELIVERED;
        }
        try {
            return applyPolicy(event, eventBytes);
        } catch (RuntimeException e) { // the latestPerKey key function: this subscriber's stream ends, no other
            failNow("the slow-consumer policy's key function", e);
            return Offer.DISCONNECTED;
        }
    }

    /**
     * Ends this subscriber's stream with {@code CALLBACK_ERROR} because application code called for it threw (an
     * access policy, say): what is queued is dropped, the failure is logged once, and no other subscriber is
     * touched. The store calls it under its lock, and {@link #deliver()} after releasing it.
     */
    public synchronized void callbackFailed(String callback, RuntimeException e) {
        if (!cancelled && !completing) {
            failNow(callback, e);
        }
    }

    private void failNow(String callback, RuntimeException e) {
        failure = new CallbackFailure(callback, e);
        completing = true;
        clearQueue();
        LOG.log(System.Logger.Level.WARNING, "ending a registry subscriber's stream: " + callback + " threw", e);
    }

    private Offer applyPolicy(SseEvent event, int eventBytes) {
        switch (policy.kind()) {
            case DISCONNECT -> {
                // the client reconnects with its last id and catches up from the history
                clearQueue();
                completing = true;
                slow = true;
                return Offer.DISCONNECTED;
            }
            case LATEST_PER_KEY -> {
                String key = policy.key().apply(event);
                for (Iterator<Queued> it = queue.iterator(); it.hasNext(); ) {
                    Queued queued = it.next();
                    if (Objects.equals(policy.key().apply(queued.event), key)) {
                        it.remove(); // the older event of the same key goes first
                        bytes -= queued.bytes;
                        return makeRoomFor(event, eventBytes, 1);
                    }
                }
                poll();
                return makeRoomFor(event, eventBytes, 1);
            }
            default -> {
                poll();
                return makeRoomFor(event, eventBytes, 1);
            }
        }
    }

    /**
     * Adds {@code event} after {@code dropped} events went, dropping more of the oldest while it would not fit in
     * the bytes (an event larger than the bound goes alone), and counts them all.
     */
    private Offer makeRoomFor(SseEvent event, int eventBytes, int dropped) {
        while (!queue.isEmpty() && bytes + eventBytes > maxBytes) {
            poll();
            dropped++;
        }
        add(event, eventBytes);
        return new Offer(1, dropped);
    }

    private void add(SseEvent event, int eventBytes) {
        queue.add(new Queued(event, eventBytes));
        bytes += eventBytes;
    }

    private Queued poll() {
        Queued next = queue.poll();
        if (next != null) {
            bytes -= next.bytes;
        }
        return next;
    }

    private void clearQueue() {
        queue.clear();
        bytes = 0;
    }

    /** An event waiting for the stream, with its size. */
    private record Queued(SseEvent event, int bytes) {
    }

    /** Why {@link #expire} ended this subscriber ({@code CREDENTIALS_EXPIRED}, say), or {@code null}. */
    public String expiredBecause() {
        return expired;
    }

    /**
     * Ends this subscriber's stream after what is already queued and then {@code last}, because it expired for
     * {@code reason} (its caller's credentials, its maximum age). The first expiry wins.
     */
    public void expire(SseEvent last, String reason) {
        synchronized (this) {
            if (cancelled || completing) {
                return;
            }
            add(last, EventBytes.of(last)); // beyond the capacity by one: the client must learn why its stream ends
            completing = true;
            expired = reason;
        }
        deliver();
    }

    /**
     * Marks this subscriber's stream to end after what is queued now, because its address is complete: the store
     * calls it under its lock, right after offering the address's last event, and {@link #deliver()} after
     * releasing it.
     */
    public synchronized void endAfterQueued() {
        completing = true;
    }

    /** Ends this subscriber's stream after what is already queued (its client reconnects and catches up). */
    public void end() {
        synchronized (this) {
            if (cancelled || completing) {
                return;
            }
            completing = true;
        }
        deliver();
    }

    @Override
    public void request(long n) {
        if (n <= 0) {
            Flow.Subscriber<? super Object> s;
            synchronized (this) {
                s = stream;
            }
            cancel();
            if (s != null) {
                s.onError(new IllegalArgumentException("request must be positive (rule 3.9): " + n));
            }
            return;
        }
        synchronized (this) {
            demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
        }
        deliver();
    }

    @Override
    public void cancel() {
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            stream = null;
            clearQueue();
        }
        store.leave(this);
    }

    /** Hands what is queued to the stream as far as its demand goes; the store calls it outside its lock. */
    public void deliver() {
        if (wip.getAndIncrement() == 0) {
            drainLoop(1);
        }
    }

    private void drainLoop(int missed) {
        do {
            while (true) {
                SseEvent next = null;
                boolean complete = false;
                CallbackFailure error = null;
                Flow.Subscriber<? super Object> s;
                synchronized (this) {
                    if (!joined || cancelled) {
                        break;
                    }
                    s = stream;
                    if (failure != null && !completed) {
                        completed = true;
                        stream = null;
                        error = failure;
                    } else if (demand > 0 && !queue.isEmpty()) {
                        next = poll().event;
                        demand--;
                    } else if (completing && queue.isEmpty() && !completed) {
                        completed = true;
                        complete = true;
                    }
                }
                if (error != null) {
                    store.leave(this);
                    s.onError(error);
                    break;
                }
                if (next != null) {
                    s.onNext(next);
                } else {
                    if (complete) {
                        synchronized (this) {
                            stream = null;
                        }
                        store.leave(this);
                        s.onComplete();
                    }
                    break;
                }
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }
}
