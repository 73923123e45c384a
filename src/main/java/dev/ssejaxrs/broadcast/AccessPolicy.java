package dev.ssejaxrs.broadcast;

import java.security.Principal;

import jakarta.ws.rs.core.SecurityContext;

import dev.ssejaxrs.event.SseEvent;

/**
 * Decides who may subscribe to an address, and which events each subscriber receives.
 *
 * <pre>{@code
 * AccessPolicy staffOnly = (address, caller) -> caller.isUserInRole("staff")
 *         ? null : "only staff may subscribe to " + address;
 * }</pre>
 */
@FunctionalInterface
public interface AccessPolicy {

    /**
     * Returns {@code null} when {@code caller} may subscribe to {@code address}, else the reason it may not (sent
     * to the client with status 403).
     */
    String refusal(Address address, SecurityContext caller);

    /** Whether {@code caller}, subscribed to {@code address}, receives {@code event}; by default every event. */
    default boolean mayReceive(Address address, SseEvent event, SecurityContext caller) {
        return true;
    }

    /**
     * The default: anyone may subscribe to a topic; a recipient's stream only the authenticated principal whose
     * name is the recipient id.
     */
    static AccessPolicy recipientIsPrincipal() {
        return (address, caller) -> {
            if (address.kind() == Address.Kind.TOPIC) {
                return null;
            }
            Principal principal = caller == null ? null : caller.getUserPrincipal();
            if (principal == null) {
                return "authentication required to subscribe to recipient " + address.name();
            }
            return principal.getName().equals(address.name()) ? null
                    : "principal " + principal.getName() + " may not subscribe to recipient " + address.name();
        };
    }

    /** Anyone may subscribe to anything: for demos and trusted networks only. */
    static AccessPolicy anyone() {
        return (address, caller) -> null;
    }
}
