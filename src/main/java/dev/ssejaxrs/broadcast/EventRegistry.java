package dev.ssejaxrs.broadcast;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.stream.CloseReason;
import dev.ssejaxrs.stream.EventStream;
import dev.ssejaxrs.stream.StreamOptions;

/**
 * Topics and recipients of one application: publish to them, subscribe to them with replay of missed events.
 * {@link BroadcastFeature} makes one per application; inject it with {@code @Context EventRegistry registry}.
 *
 * <pre>{@code
 * @GET @Path("news") @Produces(MediaType.SERVER_SENT_EVENTS)
 * public EventStream news(@HeaderParam("Last-Event-ID") String lastEventId, @Context SecurityContext caller) {
 *     return registry.subscribe(Address.topic("news")).lastEventId(lastEventId).caller(caller).open();
 * }
 *
 * registry.publish(Address.topic("news"), SseEvent.of("hello"))
 *         .thenAccept(d -> log.info("event " + d.id() + " to " + d.delivered() + " subscribers"));
 * }</pre>
 *
 * <p>Every published event gets an id unless it has one, and each address keeps a bounded history that answers
 * {@code Last-Event-ID}. Each subscriber has its own bounded queue, so a slow one never delays the others; a
 * published event is encoded once and the same bytes go to every subscriber. Thread-safe.
 */
public final class EventRegistry {
    private final RegistryOptions options;
    private final Map<Address, Channel> channels = new ConcurrentHashMap<>();

    /** A registry with {@code options}. */
    public EventRegistry(RegistryOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** The options of this registry. */
    public RegistryOptions options() {
        return options;
    }

    /**
     * Publishes {@code event} to {@code address}: into every current subscriber's queue, into the history and, for a
     * recipient with no open connection, into its offline queue.
     *
     * @return completes once the event is in every current subscriber's queue, with the counts
     */
    public CompletionStage<Delivery> publish(Address address, SseEvent event) {
        Objects.requireNonNull(event, "event");
        return CompletableFuture.completedFuture(channel(address).publish(event));
    }

    /** Publishes to a topic. */
    public CompletionStage<Delivery> publish(String topic, SseEvent event) {
        return publish(Address.topic(topic), event);
    }

    /** Sends to every open connection of a recipient, or queues for it while it has none. */
    public CompletionStage<Delivery> sendTo(String recipient, SseEvent event) {
        return publish(Address.recipient(recipient), event);
    }

    /**
     * Ends the streams of every current subscriber of {@code address}, after the events already queued for them:
     * browsers reconnect by themselves with {@code Last-Event-ID} and catch up from the history (to move clients
     * to another node, or to make them re-authenticate).
     *
     * @return how many subscribers were disconnected
     */
    public int disconnectAll(Address address) {
        Channel channel = channels.get(Objects.requireNonNull(address, "address"));
        return channel == null ? 0 : channel.disconnectAll();
    }

    /** Starts a subscription to {@code address}; {@link Subscription#open()} makes its event stream. */
    public Subscription subscribe(Address address) {
        return new Subscription(address);
    }

    /** Counts of every address used so far, topics first, in name order. */
    public Map<Address, AddressStats> stats() {
        Map<Address, AddressStats> all = new LinkedHashMap<>();
        channels.keySet().stream()
                .sorted((a, b) -> a.kind() != b.kind() ? a.kind().compareTo(b.kind()) : a.name().compareTo(b.name()))
                .forEach(address -> all.put(address, channels.get(address).stats()));
        return all;
    }

    private Channel channel(Address address) {
        Objects.requireNonNull(address, "address");
        return channels.computeIfAbsent(address, a -> new Channel(a, options));
    }

    /**
     * A subscription being set up: who asks, from which event on, and an optional first event.
     *
     * <pre>{@code
     * registry.subscribe(Address.recipient(user)).caller(securityContext).lastEventId(header, query).open();
     * }</pre>
     */
    public final class Subscription {
        private final Address address;
        private String lastEventId;
        private SecurityContext caller;
        private SseEvent greeting;

        private Subscription(Address address) {
            this.address = Objects.requireNonNull(address, "address");
        }

        /** Replays the retained events after this id first ({@code null} or empty: no replay). */
        public Subscription lastEventId(String id) {
            this.lastEventId = id == null || id.isEmpty() ? null : id;
            return this;
        }

        /**
         * Takes the id from the {@code Last-Event-ID} header or, for clients that cannot set headers, a query
         * parameter; the header wins when both are given, and an empty value counts as absent.
         */
        public Subscription lastEventId(String header, String queryParameter) {
            return lastEventId(header != null && !header.isEmpty() ? header : queryParameter);
        }

        /** The caller, for the {@link AccessPolicy} (without one, the caller is anonymous). */
        public Subscription caller(SecurityContext securityContext) {
            this.caller = securityContext;
            return this;
        }

        /** An event sent first, before any replay (for example {@code data: Connection established}). */
        public Subscription greeting(SseEvent event) {
            this.greeting = event;
            return this;
        }

        /**
         * Registers the subscriber and returns its stream, for the resource method to return. Events published from
         * now on are queued for it even before the stream opens.
         *
         * @throws ForbiddenException (403, with the reason as body) when the access policy refuses the caller
         */
        public EventStream open() {
            String refusal = options.accessPolicy.refusal(address, caller);
            if (refusal != null) {
                throw new ForbiddenException(refusal,
                        Response.status(Response.Status.FORBIDDEN).type(MediaType.TEXT_PLAIN_TYPE).entity(refusal)
                                .build());
            }
            Channel channel = channel(address);
            Subscriber subscriber = channel.subscribe(lastEventId, caller, greeting);
            StreamOptions streamOptions = options.streamOptions;
            Consumer<CloseReason> userOnClose = streamOptions.onClose();
            return EventStream.of(subscriber, streamOptions.toBuilder().onClose(reason -> {
                channel.ended(subscriber, reason.name());
                userOnClose.accept(reason);
            }).build());
        }
    }
}
