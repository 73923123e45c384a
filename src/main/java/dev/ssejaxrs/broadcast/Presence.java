package dev.ssejaxrs.broadcast;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Who is connected to an address now, on every node: its open streams, and, where the access policy lets the
 * viewer see them, the authenticated callers among them with their streams each. Immutable; from
 * {@link EventRegistry#presence(Address)} (counts only) or {@link EventRegistry#presence(Address, Caller)}.
 *
 * <pre>{@code
 * Presence now = registry.presence(Address.topic("ticket-42"), viewer).toCompletableFuture().join();
 * now.connections();        // 3: "3 people are viewing this ticket" (streams, anonymous ones included)
 * now.callers();            // {"alice"=2, "bob"=1}: empty when the viewer may not subscribe to the address
 * now.isOnline("alice");    // whether to skip the push notification
 * }</pre>
 *
 * <p>A stream counts from its join (once its replay is queued) until it ends; a stream of several addresses counts
 * once on each. With Redis, every node's streams count; a node that crashed stops counting within
 * {@link dev.ssejaxrs.redis.RedisOptions#presenceTtl() presenceTtl} (see the guide "Several nodes").
 *
 * @param address the address
 * @param connections the open streams of the address, on every node
 * @param callers authenticated callers' names to their open streams of the address, sorted by name; empty when
 *     only counts were asked for, or the access policy does not let the viewer subscribe to the address
 */
public record Presence(Address address, int connections, Map<String, Integer> callers) {
    /** The name of the presence events ({@link RegistryOptions.Builder#presenceEvents}). */
    public static final String EVENT = "presence";
    /** What the name of a presence events topic starts with: {@value}, then the name of the topic it describes. */
    public static final String EVENTS_PREFIX = "presence:";

    /**
     * Checks and copies.
     *
     * @param address the address (not null)
     * @param connections the open streams (0 or more)
     * @param callers the callers' streams (not null; counts at least 1)
     * @throws IllegalArgumentException when a count is negative or a caller's count is below 1
     */
    public Presence {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(callers, "callers");
        if (connections < 0) {
            throw new IllegalArgumentException("connections must not be negative: " + connections);
        }
        callers.forEach((name, count) -> {
            if (count == null || count < 1) {
                throw new IllegalArgumentException("callers' streams must be at least 1: " + name + "=" + count);
            }
        });
        callers = java.util.Collections.unmodifiableMap(new TreeMap<>(callers));
    }

    /**
     * Whether {@code name} has a stream of the address open (always {@code false} when the callers are not shown).
     *
     * @param name an authenticated caller's name
     * @return whether it is among the callers
     */
    public boolean isOnline(String name) {
        return callers.containsKey(name);
    }

    /**
     * The topic that carries the presence events of {@code topic} when {@link RegistryOptions.Builder#presenceEvents}
     * is set: {@code presence:<topic name>}. Subscribing to it asks the access policy about {@code topic} too, since
     * its events name the callers; a new subscriber first gets the latest of them (the current count).
     *
     * <pre>{@code
     * registry.subscribe(Address.topic("ticket-42"), Presence.eventsOf(Address.topic("ticket-42"))).open();
     * }</pre>
     *
     * @param topic a topic (not null)
     * @return the topic of its presence events
     * @throws IllegalArgumentException when {@code address} is a recipient (presence events are for topics)
     */
    public static Address eventsOf(Address topic) {
        Objects.requireNonNull(topic, "topic");
        if (topic.kind() != Address.Kind.TOPIC) {
            throw new IllegalArgumentException("presence events are for topics, not " + topic);
        }
        return Address.topic(EVENTS_PREFIX + topic.name());
    }

    /**
     * The topic whose presence events {@code address} carries, or {@code null} when it is not such a topic.
     *
     * @param address an address (not null)
     * @return the topic it describes, or {@code null}
     */
    public static Address describedBy(Address address) {
        Objects.requireNonNull(address, "address");
        if (address.kind() != Address.Kind.TOPIC || !address.name().startsWith(EVENTS_PREFIX)
                || address.name().length() == EVENTS_PREFIX.length()) {
            return null;
        }
        String name = address.name().substring(EVENTS_PREFIX.length());
        return name.isBlank() ? null : Address.topic(name);
    }
}
