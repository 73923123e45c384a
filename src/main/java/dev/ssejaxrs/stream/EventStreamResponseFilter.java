package dev.ssejaxrs.stream;

import java.io.IOException;
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
import jakarta.ws.rs.sse.SseEventSink;

import org.glassfish.jersey.server.CloseableService;

/**
 * Turns a returned {@link EventStream} (or a {@link Flow.Publisher} produced as {@code text/event-stream}) into an
 * open streaming response, and gives every event-stream response its headers: one
 * {@code Content-Type: text/event-stream;charset=UTF-8}, {@code Cache-Control: no-store} unless the application
 * set one, {@code X-Accel-Buffering: no} (nginx must not buffer), and no {@code Content-Encoding} (a compressed
 * stream is held back by the compressor) and no {@code Connection} header (hop-by-hop; the container decides).
 *
 * <p>For a {@code HEAD} request the response carries the same status and headers and ends at once; the stream
 * never opens (see {@link StreamStart}).
 *
 * <p>Response filters run in descending priority; this one runs after Jersey's {@code EncodingFilter}
 * ({@link Priorities#HEADER_DECORATOR}) so that it can undo its {@code Content-Encoding}.
 */
@Priority(Priorities.HEADER_DECORATOR - 100)
final class EventStreamResponseFilter implements ContainerResponseFilter {
    static final String CONTENT_TYPE = "text/event-stream;charset=UTF-8";
    private static final System.Logger LOG = System.getLogger(EventStreamResponseFilter.class.getName());

    /** Jersey's request-scoped instances, for the request's {@link CloseableService}. */
    private final JerseyInternals jersey;
    /** Grizzly's help, when Grizzly is on the class path. */
    private final GrizzlySupport grizzly;

    EventStreamResponseFilter(JerseyInternals jersey, GrizzlySupport grizzly) {
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
                grizzly.beforeCommit(jersey);
            }
            response.setStatus(stream.options().status());
            stream.options().headers().forEach(headers::putSingle);
        }
        headers.putSingle(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE);
        if (!headers.containsKey(HttpHeaders.CACHE_CONTROL)) {
            headers.putSingle(HttpHeaders.CACHE_CONTROL, "no-store");
        }
        headers.putSingle("X-Accel-Buffering", "no");
        headers.remove(HttpHeaders.CONTENT_ENCODING);
        headers.remove("Connection");
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

    private static boolean isEventStream(MediaType type) {
        return type != null && MediaType.SERVER_SENT_EVENTS_TYPE.isCompatible(type) && !type.isWildcardType()
                && !type.isWildcardSubtype();
    }
}
