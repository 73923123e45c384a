package dev.ssejaxrs.stream;

import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.stream.Stream;

import jakarta.ws.rs.sse.SseEventSink;

import dev.ssejaxrs.internal.core.EventStreams;
import dev.ssejaxrs.internal.core.IteratorPublisher;
import dev.ssejaxrs.internal.core.ReactiveStreams;
import dev.ssejaxrs.internal.core.StreamSource;
import dev.ssejaxrs.internal.jersey.StreamStart;

/**
 * A stream of Server-Sent Events for one client: a source of items plus the {@link StreamOptions} that govern
 * pings, timeouts and shutdown. It is a plain value; nothing runs until a resource returns it or sends it to an
 * {@link SseEventSink}.
 *
 * <p>Items may be {@link dev.ssejaxrs.event.SseEvent}s, {@code String}s (sent as data), {@code byte[]} (pre-encoded
 * bytes written as they are), standard {@link jakarta.ws.rs.sse.OutboundSseEvent}s (written as the events they
 * describe) or any other object (sent as JSON data, written by the application's own JSON provider: see the
 * README, "JSON data").
 *
 * <pre>{@code
 * @GET @Path("/numbers") @Produces(MediaType.SERVER_SENT_EVENTS)
 * public EventStream numbers() {
 *     return EventStream.of(IntStream.rangeClosed(1, 5).mapToObj(Integer::toString));
 * }
 *
 * @GET @Path("/prices") @Produces(MediaType.SERVER_SENT_EVENTS)
 * public void prices(@Context SseEventSink sink) {
 *     EventStream.of(priceFeed.publisher(), StreamOptions.builder().pingInterval(Duration.ofSeconds(5)).build())
 *             .sendTo(sink);
 * }
 * }</pre>
 *
 * <p>The stream requests items from a {@link Flow.Publisher} only as earlier ones are written (a window of
 * 256 items), so a slow client slows the publisher instead of filling memory. Iterators,
 * iterables and {@code java.util.stream.Stream}s are read on a worker thread of the application, never on the
 * request thread; a stream source is closed when the event stream ends. When the client goes away, the stream
 * times out or the application stops, the subscription is cancelled.
 */
public final class EventStream {
    static {
        EventStreams.install(stream -> stream.source);
    }

    private final StreamSource source;
    private final StreamOptions options;

    private EventStream(StreamSource source, StreamOptions options) {
        this.source = source;
        this.options = Objects.requireNonNull(options, "options");
    }

    /**
     * A stream of the items of {@code publisher}, with default options.
     *
     * @param publisher the source of the items (not null)
     * @return the event stream, not yet started
     */
    public static EventStream of(Flow.Publisher<?> publisher) {
        return of(publisher, StreamOptions.defaults());
    }

    /**
     * A stream of the items of {@code publisher}.
     *
     * @param publisher the source of the items (not null)
     * @param options the options of the stream (not null)
     * @return the event stream, not yet started
     */
    public static EventStream of(Flow.Publisher<?> publisher, StreamOptions options) {
        Objects.requireNonNull(publisher, "publisher");
        return new EventStream(executor -> publisher, options);
    }

    /**
     * A stream of the items of a Reactive Streams {@code publisher}: Reactor's {@code Flux}, RxJava's
     * {@code Flowable}, Akka's, ... (Mutiny's {@code Multi} is a {@link Flow.Publisher} already: use {@link #of}).
     * Demand and cancellation reach it as they reach a {@code Flow.Publisher}. Needs
     * {@code org.reactivestreams:reactive-streams} on the class path (those libraries bring it); it is a method of
     * its own, not an overload of {@code of}, so that applications without that jar compile.
     *
     * @param publisher the source of the items (not null)
     * @return the event stream, not yet started
     */
    public static EventStream ofReactive(org.reactivestreams.Publisher<?> publisher) {
        return ofReactive(publisher, StreamOptions.defaults());
    }

    /**
     * A stream of the items of a Reactive Streams {@code publisher}, with {@code options}.
     *
     * @param publisher the source of the items (not null)
     * @param options the options of the stream (not null)
     * @return the event stream, not yet started
     */
    public static EventStream ofReactive(org.reactivestreams.Publisher<?> publisher, StreamOptions options) {
        Objects.requireNonNull(publisher, "publisher");
        return of(ReactiveStreams.toFlow(publisher), options);
    }

    /**
     * A stream of the items of {@code iterator}, read on a worker thread (it may block).
     *
     * @param iterator the source of the items (not null)
     * @return the event stream, not yet started
     */
    public static EventStream of(Iterator<?> iterator) {
        return of(iterator, StreamOptions.defaults());
    }

    /**
     * A stream of the items of {@code iterator}, read on a worker thread (it may block).
     *
     * @param iterator the source of the items (not null)
     * @param options the options of the stream (not null)
     * @return the event stream, not yet started
     */
    public static EventStream of(Iterator<?> iterator, StreamOptions options) {
        Objects.requireNonNull(iterator, "iterator");
        return new EventStream(executor -> new IteratorPublisher(iterator, null, executor), options);
    }

    /**
     * A stream of the items of {@code iterable}, read on a worker thread (it may block).
     *
     * @param iterable the source of the items (not null); its iterator is taken when the stream opens
     * @param options the options of the stream (not null)
     * @return the event stream, not yet started
     */
    public static EventStream of(Iterable<?> iterable, StreamOptions options) {
        Objects.requireNonNull(iterable, "iterable");
        return new EventStream(executor -> new IteratorPublisher(iterable.iterator(), null, executor), options);
    }

    /**
     * A stream of the items of {@code iterable}, read on a worker thread (it may block).
     *
     * @param iterable the source of the items (not null); its iterator is taken when the stream opens
     * @return the event stream, not yet started
     */
    public static EventStream of(Iterable<?> iterable) {
        return of(iterable, StreamOptions.defaults());
    }

    /**
     * A stream of the elements of {@code stream}, read on a worker thread and closed when the event stream ends.
     *
     * @param stream the source of the items (not null)
     * @return the event stream, not yet started
     */
    public static EventStream of(Stream<?> stream) {
        return of(stream, StreamOptions.defaults());
    }

    /**
     * A stream of the elements of {@code stream}, read on a worker thread and closed when the event stream ends.
     *
     * @param stream the source of the items (not null)
     * @param options the options of the stream (not null)
     * @return the event stream, not yet started
     */
    public static EventStream of(Stream<?> stream, StreamOptions options) {
        Objects.requireNonNull(stream, "stream");
        return new EventStream(new StreamSource() {
            @Override
            public Flow.Publisher<?> publisher(Executor blockingExecutor) {
                return new IteratorPublisher(stream.iterator(), stream, blockingExecutor);
            }

            @Override
            public void discard() {
                stream.close();
            }
        }, options);
    }

    /**
     * The same source with other options.
     *
     * @param newOptions the options of the new stream (not null)
     * @return a new event stream; this one is unchanged
     */
    public EventStream withOptions(StreamOptions newOptions) {
        return new EventStream(source, newOptions);
    }

    /**
     * The options of this stream.
     *
     * @return the options
     */
    public StreamOptions options() {
        return options;
    }

    /**
     * Streams onto a sink that Jersey injected ({@code @Context SseEventSink sink}) and returns at once. The sink
     * belongs to this stream from now on: do not send to it or close it yourself. The response headers are sent
     * now, before the first event, with the options' status and headers.
     *
     * @param sink the injected sink (not null)
     * @return completes when the response headers have been written
     */
    public CompletionStage<?> sendTo(SseEventSink sink) {
        Objects.requireNonNull(sink, "sink");
        StreamStart start = new StreamStart(this, sink, true);
        StreamStart.SENDING.set(start); // Jersey commits the response inside send(), on this thread
        try {
            return sink.send(start);
        } finally {
            StreamStart.SENDING.remove();
            start.handedOver(); // Jersey wrote and flushed the start chunk inside send(), or failed to
        }
    }
}
