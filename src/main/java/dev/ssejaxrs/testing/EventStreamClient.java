package dev.ssejaxrs.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import jakarta.ws.rs.client.WebTarget;

/**
 * Opens event streams for tests: {@code GET} a target and receive its events while the response is still open.
 *
 * <pre>{@code
 * try (OpenEventStream stream = EventStreamClient.open(target("events"), "41")) {   // sends Last-Event-ID: 41
 *     assertEquals("text/event-stream", stream.header("Content-Type"));
 *     assertEquals("42", stream.next(Duration.ofSeconds(5)).lastEventId());
 * }
 * }</pre>
 *
 * <p>Only the target's URI (with its query) is used: the request goes out on a socket of its own, HTTP/1.1, with
 * {@code Accept: text/event-stream}, so that {@link OpenEventStream#close()} can really disconnect. The target's
 * client filters and properties are not applied; pass extra request headers with
 * {@link #open(WebTarget, Map)}. Works with any real server ({@code http} or {@code https}), for example
 * {@link SseServerExtension}'s or a {@code JerseyTest} on its default Grizzly container; it cannot reach Jersey's
 * in-memory test container, which has no socket and buffers whole responses anyway.
 *
 * <p>{@code open} blocks until the status line and headers arrive (at most 10 s) and may be called from any thread.
 */
public final class EventStreamClient {
    private EventStreamClient() {
    }

    /**
     * Opens a stream from {@code target}.
     *
     * @param target the stream's URI, with its query (not null)
     * @return the open stream; close it when done
     */
    public static OpenEventStream open(WebTarget target) {
        return open(target, Map.of());
    }

    /**
     * Opens a stream from {@code target}, resuming after {@code lastEventId} (sent as {@code Last-Event-ID}).
     *
     * @param target the stream's URI, with its query (not null)
     * @param lastEventId the last event id (not null)
     * @return the open stream; close it when done
     */
    public static OpenEventStream open(WebTarget target, String lastEventId) {
        Objects.requireNonNull(lastEventId, "lastEventId");
        return open(target, Map.of("Last-Event-ID", lastEventId));
    }

    /**
     * The render-time cursor a page's response carries ({@code dev.ssejaxrs.broadcast.RenderCursor}): its
     * {@code Last-Event-ID} header, else the {@code last-event-id} attribute of its {@code Link} with
     * {@code rel="sse-stream"}. Subscribe from it with {@link #open(WebTarget, String)}.
     *
     * <pre>{@code
     * Response page = target("todos").request().get();
     * try (OpenEventStream stream = EventStreamClient.open(target("todos/stream"), EventStreamClient.cursor(page))) {
     *     ...
     * }
     * }</pre>
     *
     * @param page the page's response (not null)
     * @return the cursor
     * @throws IllegalStateException when the response carries none (the message lists its headers' names)
     */
    public static String cursor(jakarta.ws.rs.core.Response page) {
        Objects.requireNonNull(page, "page");
        String header = page.getHeaderString("Last-Event-ID");
        if (header != null && !header.isEmpty()) {
            return header;
        }
        jakarta.ws.rs.core.Link link = page.getLink("sse-stream");
        String attribute = link == null ? null : link.getParams().get("last-event-id");
        if (attribute != null && !attribute.isEmpty()) {
            return attribute;
        }
        throw new IllegalStateException("expected a render-time cursor on the response (status " + page.getStatus()
                + "): a Last-Event-ID header or a Link with rel=\"sse-stream\" and last-event-id, but its headers are "
                + page.getHeaders().keySet());
    }

    /**
     * Opens a stream from {@code target} with extra request headers, which replace the defaults of the same name.
     *
     * @param target the stream's URI, with its query (not null)
     * @param headers request headers by name (not null)
     * @return the open stream; close it when done
     * @throws IllegalArgumentException if a header name is not an HTTP token or a value contains CR, LF or NUL
     * @throws UncheckedIOException     if the server cannot be reached or sends no response head in time
     */
    public static OpenEventStream open(WebTarget target, Map<String, String> headers) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(headers, "headers");
        Map<String, String> checked = new LinkedHashMap<>();
        headers.forEach((name, value) -> {
            HttpStreamConnection.checkHeader(name, value);
            checked.put(name, value);
        });
        URI uri = target.getUri();
        try {
            return OpenEventStream.start(uri, HttpStreamConnection.open(uri, checked));
        } catch (IOException e) {
            throw new UncheckedIOException("could not open GET " + uri + ": " + e.getMessage(), e);
        }
    }
}
