package dev.ssejaxrs.broadcast;

import java.net.URI;
import java.util.Objects;

import jakarta.ws.rs.core.Link;
import jakarta.ws.rs.core.Response;

/**
 * Puts a render-time cursor ({@link EventRegistry#head}) on the response of a page rendered on the server, so that
 * its script subscribes from exactly there: no event published between the render and the subscription is lost.
 * Two forms, the same id:
 * <ul>
 * <li>{@link #header}: {@code Last-Event-ID: <cursor>}, the name the stream takes it back under (a script copies it
 *     to the stream's {@code lastEventId} query parameter; {@code EventSource} cannot set the header itself);</li>
 * <li>{@link #link}: {@code Link: </todos/stream>; rel="sse-stream"; last-event-id="<cursor>"}, naming the stream
 *     too (the attribute Mercure's discovery uses).</li>
 * </ul>
 * A page rendered as HTML usually also writes the cursor into its markup (a {@code data-} attribute); the header
 * serves scripts that fetch the page, and tests ({@code EventStreamClient.cursor(response)} reads either form).
 *
 * <pre>{@code
 * String cursor = registry.head(TODOS);
 * String html = render(database.todos(), cursor);
 * return RenderCursor.header(Response.ok(html, MediaType.TEXT_HTML), cursor).build();
 * }</pre>
 */
public final class RenderCursor {
    /** The response header of {@link #header}: {@value}. */
    public static final String HEADER = "Last-Event-ID";
    /** The link relation of {@link #link}: {@value}. */
    public static final String RELATION = "sse-stream";
    /** The link attribute that carries the cursor: {@value}. */
    public static final String LINK_ATTRIBUTE = "last-event-id";

    private RenderCursor() {
    }

    /**
     * Adds {@code Last-Event-ID: <cursor>} to {@code response}.
     *
     * @param response the page's response (not null)
     * @param cursor the id from {@link EventRegistry#head} (not null)
     * @return {@code response}
     * @throws IllegalArgumentException when the cursor contains CR, LF or NUL
     */
    public static Response.ResponseBuilder header(Response.ResponseBuilder response, String cursor) {
        Objects.requireNonNull(response, "response");
        return response.header(HEADER, checked(cursor));
    }

    /**
     * Adds {@code Link: <stream>; rel="sse-stream"; last-event-id="<cursor>"} to {@code response}.
     *
     * @param response the page's response (not null)
     * @param stream the URI of the stream to subscribe to (not null; relative is fine)
     * @param cursor the id from {@link EventRegistry#head} (not null)
     * @return {@code response}
     * @throws IllegalArgumentException when the cursor contains CR, LF, NUL or a double quote
     */
    public static Response.ResponseBuilder link(Response.ResponseBuilder response, URI stream, String cursor) {
        Objects.requireNonNull(response, "response");
        Objects.requireNonNull(stream, "stream");
        if (checked(cursor).indexOf('"') >= 0 || cursor.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("cursor must not contain a double quote or backslash in a Link: "
                    + cursor);
        }
        return response.links(Link.fromUri(stream).rel(RELATION).param(LINK_ATTRIBUTE, cursor).build());
    }

    private static String checked(String cursor) {
        Objects.requireNonNull(cursor, "cursor");
        if (cursor.indexOf('\r') >= 0 || cursor.indexOf('\n') >= 0 || cursor.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("cursor must not contain CR, LF or NUL: "
                    + cursor.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0"));
        }
        return cursor;
    }
}
