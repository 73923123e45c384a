package dev.ssejaxrs.internal.jersey;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Flow;

import jakarta.annotation.Priority;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.SseEventSink;

import org.glassfish.jersey.server.CloseableService;

import dev.ssejaxrs.internal.grizzly.GrizzlySupport;
import dev.ssejaxrs.stream.EventStream;

/**
 * Turns a returned {@link EventStream} (or a {@link Flow.Publisher} produced as {@code text/event-stream}) into an
 * open streaming response, and gives every event-stream response its headers: one
 * {@code Content-Type: text/event-stream;charset=UTF-8}, {@code Cache-Control: no-store} unless the application
 * set one, {@code X-Accel-Buffering: no} (nginx must not buffer), and no {@code Content-Encoding} (a compressed
 * stream is held back by the compressor) and no {@code Connection}, {@code Keep-Alive}, {@code Transfer-Encoding} or
 * {@code Upgrade} header, even one the application set (hop-by-hop: the container decides them on HTTP/1.1, and
 * they make an HTTP/2 response malformed).
 *
 * <p>For a {@code HEAD} request the response carries the same status and headers and ends at once; the stream
 * never opens (see {@link StreamStart}).
 *
 * <p>Response filters run in descending priority; this one runs after Jersey's {@code EncodingFilter}
 * ({@link Priorities#HEADER_DECORATOR}) so that it can undo its {@code Content-Encoding}.
 */
@Priority(Priorities.HEADER_DECORATOR - 100)
public final class EventStreamResponseFilter implements ContainerResponseFilter {
    static final String CONTENT_TYPE = "text/event-stream;charset=UTF-8";
    private static final System.Logger LOG = System.getLogger(EventStreamResponseFilter.class.getName());
    /**
     * Headers about the connection, not the response: the container sets them for HTTP/1.1, and HTTP/2 forbids
     * them (RFC 9113, section 8.2.2: a strict client rejects the stream with PROTOCOL_ERROR).
     */
    private static final List<String> CONNECTION_HEADERS = List.of("Connection", "Keep-Alive", "Transfer-Encoding",
            "Upgrade");

    /** Jersey's request-scoped instances, for the request's {@link CloseableService}. */
    private final JerseyInternals jersey;
    /** Grizzly's help, when Grizzly is on the class path. */
    private final GrizzlySupport grizzly;

    public EventStreamResponseFilter(JerseyInternals jersey, GrizzlySupport grizzly) {
        this.jersey = jersey;
        this.grizzly = grizzly;
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) throws IOException {
        Object entity = response.getEntity();
        EventStream stream = null;
        if (entity instanceof EventStream returned) {
            stream = returned;
        } else if (entity instanceof Flow.Publisher<?> publisher && isEventStream(response.getMediaType())) {
            stream = EventStream.of(publisher);
        }
        if (stream == null && !isEventStream(response.getMediaType())) {
            return;
        }
        MultivaluedMap<String, Object> headers = response.getHeaders();
        boolean head = HttpMethod.HEAD.equals(request.getMethod());
        boolean returned = stream != null;
        if (stream != null) {
            EventStreamOutput output = new EventStreamOutput(stream);
            untilRequestEnds(output.start());
            if (head) {
                output.headOnly();
            } else {
                output.begin();
            }
            response.setEntity(output, response.getEntityAnnotations(), MediaType.SERVER_SENT_EVENTS_TYPE);
        } else if (entity instanceof SseEventSink && StreamStart.SENDING.get() != null) {
            StreamStart start = StreamStart.SENDING.get(); // EventStream.sendTo(sink) on this thread
            stream = start.stream;
            untilRequestEnds(start);
            if (head) {
                start.headRequest();
            }
        }
        if (stream != null) {
            if (grizzly != null) {
                // only a returned stream: a sink's request was suspended before this filter, with a timeout
                // handler that holds the whole request for as long as the response is open
                grizzly.beforeCommit(jersey, request, returned && !head);
            }
            response.setStatusInfo(new StatusCode(stream.options().status()));
            stream.options().headers().forEach(headers::putSingle);
        }
        headers.putSingle(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE);
        if (!headers.containsKey(HttpHeaders.CACHE_CONTROL)) {
            headers.putSingle(HttpHeaders.CACHE_CONTROL, "no-store");
        }
        headers.putSingle("X-Accel-Buffering", "no");
        headers.remove(HttpHeaders.CONTENT_ENCODING);
        CONNECTION_HEADERS.forEach(headers::remove);
    }

    /** Lets the stream open only after Jersey has finished with the request (see {@link StreamStart}). */
    private void untilRequestEnds(StreamStart start) {
        CloseableService requestEnd = jersey.requestInstance(CloseableService.class);
        if (requestEnd != null) {
            start.untilRequestEnds(requestEnd);
        } else {
            LOG.log(System.Logger.Level.DEBUG, "no CloseableService: the stream opens when its head is written");
        }
    }

    /**
     * A status without a reason phrase, so that the container writes its own: Grizzly then takes its shared bytes
     * for the status line, where a phrase set by the application is copied into a buffer that every open stream
     * keeps (half a kilobyte each).
     */
    private record StatusCode(int code) implements Response.StatusType {
        @Override
        public int getStatusCode() {
            return code;
        }

        @Override
        public Response.Status.Family getFamily() {
            return Response.Status.Family.familyOf(code);
        }

        @Override
        public String getReasonPhrase() {
            return null;
        }
    }

    private static boolean isEventStream(MediaType type) {
        return type != null && MediaType.SERVER_SENT_EVENTS_TYPE.isCompatible(type) && !type.isWildcardType()
                && !type.isWildcardSubtype();
    }
}
