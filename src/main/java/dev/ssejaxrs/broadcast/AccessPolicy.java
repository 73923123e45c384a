package dev.ssejaxrs.broadcast;

import dev.ssejaxrs.event.SseEvent;

/**
 * Decides who may subscribe to an address, and which events each subscriber receives. It sees the {@link Caller}
 * taken when the subscription was opened, never the request itself, so it may be called from any thread.
 *
 * <pre>{@code
 * AccessPolicy staffOnly = (address, caller) -> caller.hasRole("staff")
 *         ? null : "only staff may subscribe to " + address;
 * RegistryOptions.builder().roles("staff").accessPolicy(staffOnly).build();
 * }</pre>
 */
@FunctionalInterface
public interface AccessPolicy {

    /**
     * Returns {@code null} when {@code caller} may subscribe to {@code address}, else the reason it may not (sent
     * to the client with status 403).
     *
     * @param address the address asked for
     * @param caller who asks, as taken when the subscription was opened
     * @return {@code null} to allow, else the reason for the refusal
     */
    String refusal(Address address, Caller caller);

    /**
     * Whether {@code caller}, subscribed to {@code address}, receives {@code event}; by default every event. Called
     * on publishing threads, for live events and replays alike.
     *
     * @param address the address the event was published to
     * @param event the event
     * @param caller the subscriber's caller
     * @return whether the event goes to this subscriber
     */
    default boolean mayReceive(Address address, SseEvent event, Caller caller) {
        return true;
    }

    /**
     * The default: anyone may subscribe to a topic; a recipient's stream only the authenticated principal whose
     * name is the recipient id.
     *
     * @return the default policy
     */
    static AccessPolicy recipientIsPrincipal() {
        return (address, caller) -> {
            if (address.kind() == Address.Kind.TOPIC) {
                return null;
            }
            if (!caller.isAuthenticated()) {
                return "authentication required to subscribe to recipient " + address.name();
            }
            return caller.name().equals(address.name()) ? null
                    : "principal " + caller.name() + " may not subscribe to recipient " + address.name();
        };
    }

    /**
     * Anyone may subscribe to anything: for demos and trusted networks only.
     *
     * @return a policy that refuses nobody
     */
    static AccessPolicy anyone() {
        return (address, caller) -> null;
    }
}
