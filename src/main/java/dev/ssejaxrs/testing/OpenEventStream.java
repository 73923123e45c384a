package dev.ssejaxrs.testing;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * An event stream being received: the response's status and headers, and the events and comments as they arrive.
 *
 * <p>Made by {@link EventStreamClient#open} (or {@link SseServerExtension#openStream}). Events and comments are read
 * as they arrive by a background thread and kept in arrival order. {@link #next}, {@link #collect} and
 * {@link #awaitEvent} take events in order; {@link #awaitComment} looks through comments with a cursor of its own,
 * so waiting for a ping never swallows an event. When a wait fails, the {@link AssertionError} lists everything that
 * did arrive.
 *
 * <pre>{@code
 * try (OpenEventStream stream = EventStreamClient.open(target)) {
 *     assertEquals(200, stream.status());
 *     assertEquals("first", stream.next(Duration.ofSeconds(5)).data());
 *     stream.awaitComment("ping"::equals, Duration.ofSeconds(20));
 * }   // close() resets the connection: the server's next write fails
 * }</pre>
 *
 * <p>Threads: one daemon thread per open stream reads the socket; it ends when the response ends or
 * {@link #close()} is called, and {@code close()} waits for it. All public methods are thread-safe.
 */
public final class OpenEventStream implements AutoCloseable {
    private static final Duration READER_STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_LISTED = 50;
    /** Longer waits are cut to this, so that deadline arithmetic cannot overflow. */
    private static final Duration MAX_WAIT = Duration.ofDays(365);

    private final String request;
    private final HttpStreamConnection connection;
    private final Thread reader;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final List<Arrival> arrivals = new ArrayList<>();
    private int eventCursor;
    private int commentCursor;
    private int eventsTaken;
    /** Why the stream stopped; null while the reader still reads. */
    private String endReason;
    private IOException failure;
    private boolean closed;

    /** An event or a comment, in arrival order; exactly one of the two is set. */
    private record Arrival(ReceivedEvent event, String comment) {
        @Override
        public String toString() {
            return event != null ? "event " + event : "comment " + Visible.of(comment);
        }
    }

    private OpenEventStream(URI uri, HttpStreamConnection connection) {
        this.request = "GET " + uri;
        this.connection = connection;
        this.reader = new Thread(this::readAll, "sse-test-reader " + uri);
        this.reader.setDaemon(true);
    }

    static OpenEventStream start(URI uri, HttpStreamConnection connection) {
        OpenEventStream stream = new OpenEventStream(uri, connection);
        stream.reader.start();
        return stream;
    }

    /**
     * The response's status code.
     *
     * @return the status code, for example 200
     */
    public int status() {
        return connection.status();
    }

    /**
     * The response headers: names case-insensitive, values in order received; unmodifiable.
     *
     * @return the headers by name
     */
    public Map<String, List<String>> headers() {
        return connection.headers();
    }

    /**
     * The first value of the response header {@code name}, or {@code null} if it is absent.
     *
     * @param name the header name, in any case (not null)
     * @return the first value, or {@code null}
     */
    public String header(String name) {
        List<String> values = connection.headers().get(Objects.requireNonNull(name, "name"));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /**
     * The next event not yet taken, waiting at most {@code timeout} for it.
     *
     * @param timeout how long to wait at most (not negative)
     * @return the event
     * @throws AssertionError if no event arrives in time or the stream ends first; the message lists what arrived
     */
    public ReceivedEvent next(Duration timeout) {
        return awaitEvent(event -> true, timeout, "an event");
    }

    /**
     * The next {@code n} events, all within {@code timeout}.
     *
     * @param n how many events (not negative)
     * @param timeout how long to wait for all of them, at most (not negative)
     * @return the events, in arrival order
     * @throws AssertionError if fewer arrive in time; the message lists what arrived
     */
    public List<ReceivedEvent> collect(int n, Duration timeout) {
        if (n < 0) {
            throw new IllegalArgumentException("n must not be negative: " + n);
        }
        long deadline = deadline(timeout);
        List<ReceivedEvent> events = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            events.add(awaitEventUntil(event -> true, deadline, timeout,
                    n + " events (got " + i + ": " + events + ")"));
        }
        return events;
    }

    /**
     * The first event not yet taken that matches {@code condition}; the events before it are taken and skipped.
     *
     * @param condition what the event must match
     * @param timeout how long to wait at most (not negative)
     * @return the matching event
     * @throws AssertionError if none arrives within {@code timeout} or the stream ends first
     */
    public ReceivedEvent awaitEvent(Predicate<? super ReceivedEvent> condition, Duration timeout) {
        return awaitEvent(condition, timeout, "an event matching the condition");
    }

    /**
     * The first comment, after the last one this method returned, that matches {@code condition}. Comment text has
     * one leading space removed ({@code ": ping"} is {@code "ping"}). Does not take events.
     *
     * @param condition what the comment's text must match (not null)
     * @param timeout how long to wait at most (not negative)
     * @return the comment's text
     * @throws AssertionError if none arrives within {@code timeout} or the stream ends first
     */
    public String awaitComment(Predicate<? super String> condition, Duration timeout) {
        Objects.requireNonNull(condition, "condition");
        long deadline = deadline(timeout);
        lock.lock();
        try {
            while (true) {
                for (; commentCursor < arrivals.size(); commentCursor++) {
                    String comment = arrivals.get(commentCursor).comment();
                    if (comment != null && condition.test(comment)) {
                        commentCursor++;
                        return comment;
                    }
                }
                awaitArrival(deadline, timeout, "a comment matching the condition");
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the server ends the response cleanly (for a chunked response: with its last, empty chunk).
     *
     * @param timeout how long to wait at most (not negative)
     * @throws AssertionError if it is still open after {@code timeout}, or was cut short or closed by this side
     */
    public void awaitEnd(Duration timeout) {
        long deadline = deadline(timeout);
        lock.lock();
        try {
            while (endReason == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw failure("the response to end", timeout, null);
                }
                arrived.awaitNanos(left);
            }
            if (failure != null || closed) {
                throw failure("a clean end of the response", timeout, failure);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the response to end", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Disconnects: resets the TCP connection, so the server's next write fails as for a client that has gone, then
     * waits for the reader thread to stop. Idempotent.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
        connection.abort();
        if (Thread.currentThread() != reader) {
            try {
                reader.join(READER_STOP_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (reader.isAlive()) {
                throw new IllegalStateException("reader thread of " + request + " did not stop within "
                        + READER_STOP_TIMEOUT);
            }
        }
    }

    @Override
    public String toString() {
        return "OpenEventStream{" + request + " " + status() + "}";
    }

    /** The reader thread's loop. */
    private void readAll() {
        String reason;
        IOException error = null;
        try (EventStreamReader events = EventStreamReader.of(connection.body(), this::commentArrived)) {
            for (ReceivedEvent event = events.next(); event != null; event = events.next()) {
                add(new Arrival(event, null));
            }
            reason = "the server ended the response";
        } catch (IOException e) {
            error = e;
            reason = "reading failed: " + e;
        } finally {
            connection.abort();
        }
        lock.lock();
        try {
            if (closed) {
                endReason = "closed by this client";
                failure = null;
            } else {
                endReason = reason;
                failure = error;
            }
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void commentArrived(String comment) {
        add(new Arrival(null, comment));
    }

    private void add(Arrival arrival) {
        lock.lock();
        try {
            arrivals.add(arrival);
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private ReceivedEvent awaitEvent(Predicate<? super ReceivedEvent> condition, Duration timeout, String what) {
        Objects.requireNonNull(condition, "condition");
        return awaitEventUntil(condition, deadline(timeout), timeout, what);
    }

    private ReceivedEvent awaitEventUntil(Predicate<? super ReceivedEvent> condition, long deadline,
                                          Duration timeout, String what) {
        lock.lock();
        try {
            while (true) {
                for (; eventCursor < arrivals.size(); eventCursor++) {
                    ReceivedEvent event = arrivals.get(eventCursor).event();
                    if (event != null) {
                        eventsTaken++;
                        if (condition.test(event)) {
                            eventCursor++;
                            return event;
                        }
                    }
                }
                awaitArrival(deadline, timeout, what);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits, holding the lock, for something to arrive; fails if the stream has ended or time is up. */
    private void awaitArrival(long deadline, Duration timeout, String what) {
        int seen = arrivals.size();
        try {
            while (arrivals.size() == seen) {
                if (endReason != null) {
                    throw failure(what, timeout, failure);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw failure(what, timeout, null);
                }
                arrived.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + what + " on " + request, e);
        }
    }

    private AssertionError failure(String what, Duration timeout, Throwable cause) {
        StringBuilder sb = new StringBuilder("expected ").append(what).append(" within ").append(timeout)
                .append(" on ").append(request).append(" (status ").append(status()).append("), but ")
                .append(endReason == null ? "none came; the stream is still open" : endReason)
                .append(". Arrived so far: ").append(arrivals.size()).append(" (events already taken: ")
                .append(eventsTaken).append(")");
        int from = Math.max(0, arrivals.size() - MAX_LISTED);
        if (from > 0) {
            sb.append("\n  ... ").append(from).append(" earlier");
        }
        for (int i = from; i < arrivals.size(); i++) {
            sb.append("\n  ").append(i + 1).append(". ").append(arrivals.get(i));
        }
        return new AssertionError(sb.toString(), cause);
    }

    private static long deadline(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
        Duration bounded = timeout.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : timeout;
        return System.nanoTime() + bounded.toNanos();
    }
}
