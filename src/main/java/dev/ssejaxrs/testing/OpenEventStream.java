package dev.ssejaxrs.testing;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import jakarta.ws.rs.client.Invocation;
import jakarta.ws.rs.client.WebTarget;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

/**
 * An event stream a test has opened: status and headers at once, then events as they arrive, with bounded waits
 * whose failures say what did arrive. Works with any JAX-RS {@link WebTarget}, including {@code JerseyTest.target()}.
 *
 * <pre>{@code
 * try (OpenEventStream stream = OpenEventStream.open(target.path("numbers"))) {
 *     assertEquals(200, stream.status());
 *     assertEquals("1", stream.next(Duration.ofSeconds(5)).data());
 *     List<ReceivedEvent> rest = stream.collect(4, Duration.ofSeconds(10));
 * }   // closing disconnects: the server sees the client go away
 * }</pre>
 *
 * <p>Events are read incrementally by one daemon thread per open stream, which ends when the stream ends or is
 * closed. Jersey's in-memory test container hands a response over only when it has ended, so incremental tests
 * need a real container: use {@link JerseyServerExtension} or {@code JerseyTest} with the Grizzly provider.
 *
 * <p>The waiting methods are meant for the test's thread; {@link #close()} may be called from any thread.
 */
public final class OpenEventStream implements AutoCloseable {
    private static final Object END = new Object();

    private final Response response;
    private final InputStream body;
    private final BlockingQueue<Object> arrivals = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();
    private final Thread reader;
    private volatile boolean closed;
    private boolean endSeen;
    private Throwable failure;

    private OpenEventStream(Response response) {
        this.response = response;
        this.body = response.getStatus() == 200 ? response.readEntity(InputStream.class) : null;
        this.reader = new Thread(this::readAll, "sse-test-reader");
        this.reader.setDaemon(true);
        if (body == null) {
            arrivals.add(END);
        } else {
            reader.start();
        }
    }

    /** Opens {@code target} with {@code Accept: text/event-stream}; returns when the status and headers arrived. */
    public static OpenEventStream open(WebTarget target) {
        return open(target, null);
    }

    /** Opens {@code target} sending {@code Last-Event-ID} (when not {@code null}), as a reconnecting browser does. */
    public static OpenEventStream open(WebTarget target, String lastEventId) {
        Invocation.Builder request = target.request(MediaType.SERVER_SENT_EVENTS_TYPE);
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        return new OpenEventStream(request.get());
    }

    /** The response status. */
    public int status() {
        return response.getStatus();
    }

    /** All response headers. */
    public MultivaluedMap<String, String> headers() {
        return response.getStringHeaders();
    }

    /** A response header's value(s), comma-joined, or {@code null}. */
    public String header(String name) {
        return response.getHeaderString(name);
    }

    /** The response's content type, or {@code null}. */
    public String contentType() {
        return header(HttpHeaders.CONTENT_TYPE);
    }

    /**
     * The next event, waiting at most {@code timeout}.
     *
     * @throws AssertionError when none came in time or the stream ended, listing what did arrive
     */
    public ReceivedEvent next(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Object item = take(deadline, "an event within " + timeout);
            if (item instanceof ReceivedEvent event) {
                return event;
            }
        }
    }

    /** The next {@code count} events, all within {@code timeout}; fails listing what arrived. */
    public List<ReceivedEvent> collect(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ReceivedEvent> events = new ArrayList<>(count);
        while (events.size() < count) {
            Object item = take(deadline, count + " events within " + timeout + " (got " + events.size() + ")");
            if (item instanceof ReceivedEvent event) {
                events.add(event);
            }
        }
        return events;
    }

    /** Skips events until one matches {@code condition} within {@code timeout} and returns it. */
    public ReceivedEvent awaitEvent(Predicate<ReceivedEvent> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Object item = take(deadline, "a matching event within " + timeout);
            if (item instanceof ReceivedEvent event && condition.test(event)) {
                return event;
            }
        }
    }

    /** Skips until a comment (a ping, say) matches {@code condition} within {@code timeout} and returns it. */
    public String awaitComment(Predicate<String> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Object item = take(deadline, "a matching comment within " + timeout);
            if (item instanceof Comment comment && condition.test(comment.text())) {
                return comment.text();
            }
        }
    }

    /** Waits until the server ends the stream; fails if events or the end do not come within {@code timeout}. */
    public List<ReceivedEvent> awaitEnd(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ReceivedEvent> events = new ArrayList<>();
        while (!endSeen) {
            Object item;
            try {
                item = arrivals.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            if (item == null) {
                throw failed("the end of the stream within " + timeout);
            }
            if (item == END) {
                endSeen = true;
            } else if (item instanceof ReceivedEvent event) {
                seen.add(event.toString());
                events.add(event);
            } else if (item instanceof Comment comment) {
                seen.add(": " + comment.text());
            }
        }
        return events;
    }

    /** Disconnects now: the server sees the client go away. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (body != null) {
                body.close();
            }
        } catch (IOException | RuntimeException e) {
            // already broken: disconnected all the same
        }
        response.close();
        reader.interrupt();
    }

    private Object take(long deadline, String wanted) {
        while (true) {
            if (endSeen) {
                throw failed(wanted + ", but the stream had ended");
            }
            Object item;
            try {
                item = arrivals.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + wanted, e);
            }
            if (item == null) {
                throw failed(wanted);
            }
            if (item == END) {
                endSeen = true;
                continue;
            }
            seen.add(item instanceof Comment c ? ": " + c.text() : item.toString());
            return item;
        }
    }

    private AssertionError failed(String wanted) {
        String why = failure != null && !closed ? " (read failed: " + failure + ")" : "";
        return new AssertionError("expected " + wanted + why + "; received " + (seen.isEmpty() ? "nothing"
                : seen.size() + " item(s): " + String.join(", ", seen)) + " [status " + status() + ", "
                + Objects.requireNonNullElse(contentType(), "no content type") + "]");
    }

    private void readAll() {
        EventStreamReader events = new EventStreamReader(body, comment -> arrivals.add(new Comment(comment)));
        try {
            ReceivedEvent event;
            while ((event = events.next()) != null) {
                arrivals.add(event);
            }
        } catch (IOException | RuntimeException e) {
            failure = e;
        } finally {
            arrivals.add(END);
        }
    }

    /** A comment line as it arrived. */
    private record Comment(String text) {
    }
}
