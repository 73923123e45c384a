package dev.ssejaxrs.broadcast;

import java.security.Principal;
import java.time.Instant;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import jakarta.ws.rs.core.SecurityContext;

/**
 * Who opened a subscription, taken once while its request was current: the principal's name and the roles the
 * registry was told to check ({@link RegistryOptions.Builder#roles}). Immutable; the registry never keeps a
 * request's {@code SecurityContext}, which may pin the request or, injected into a singleton, resolve later to
 * whichever request is current on the publishing thread.
 *
 * <pre>{@code
 * Caller caller = Caller.of(securityContext, Set.of("admin"));
 * caller.name();            // "alice", or null when anonymous
 * caller.hasRole("admin");  // what isUserInRole("admin") said when the caller was taken
 * caller.withExpiry(Instant.ofEpochSecond(jwt.exp())); // its streams end then (see the security guide)
 * }</pre>
 */
public final class Caller {
    private static final Caller ANONYMOUS = new Caller(null, Set.of());

    private final String name;
    private final Set<String> roles;
    private final Instant expiresAt;

    private Caller(String name, Set<String> roles) {
        this(name, roles, null);
    }

    private Caller(String name, Set<String> roles, Instant expiresAt) {
        this.name = name;
        this.roles = roles;
        this.expiresAt = expiresAt;
    }

    /**
     * This caller with credentials that expire at {@code expiry} (say a token's {@code exp}): a subscription opened
     * after it is refused with 401, and an open stream ends at it, after an {@code event: credentials-expired} (no
     * id, so the client's next {@code Last-Event-ID} loses nothing): refresh, then reconnect.
     *
     * @param expiry when the credentials expire (not null)
     * @return a caller with the same name and roles that expires then
     */
    public Caller withExpiry(Instant expiry) {
        return new Caller(name, roles, Objects.requireNonNull(expiry, "expiry"));
    }

    /**
     * When the caller's credentials expire.
     *
     * @return the expiry, or {@code null} when they do not expire
     */
    public Instant expiresAt() {
        return expiresAt;
    }

    /**
     * A caller with no principal and no role.
     *
     * @return the anonymous caller (one shared instance)
     */
    public static Caller anonymous() {
        return ANONYMOUS;
    }

    /**
     * A caller named {@code name} ({@code null}: anonymous) in {@code roles}.
     *
     * @param name the principal's name, or {@code null}
     * @param roles the roles the caller holds (not null)
     * @return the caller
     */
    public static Caller of(String name, Collection<String> roles) {
        return new Caller(name, Set.copyOf(Objects.requireNonNull(roles, "roles")));
    }

    /**
     * Takes the principal's name and, for each of {@code rolesToCheck}, the answer of
     * {@link SecurityContext#isUserInRole}, now: call it while the request is current. {@code null} gives an
     * anonymous caller.
     *
     * @param securityContext the current request's security context, or {@code null}
     * @param rolesToCheck the roles to ask about (not null)
     * @return the caller, with the roles it holds among them
     */
    public static Caller of(SecurityContext securityContext, Collection<String> rolesToCheck) {
        Objects.requireNonNull(rolesToCheck, "rolesToCheck");
        if (securityContext == null) {
            return ANONYMOUS;
        }
        Principal principal = securityContext.getUserPrincipal();
        Set<String> held = new TreeSet<>();
        for (String role : rolesToCheck) {
            if (securityContext.isUserInRole(role)) {
                held.add(role);
            }
        }
        return principal == null && held.isEmpty() ? ANONYMOUS
                : new Caller(principal == null ? null : principal.getName(), Set.copyOf(held));
    }

    /**
     * The principal's name, or {@code null} when the caller was not authenticated.
     *
     * @return the name, or {@code null}
     */
    public String name() {
        return name;
    }

    /**
     * Whether the caller was authenticated.
     *
     * @return whether it has a principal's name
     */
    public boolean isAuthenticated() {
        return name != null;
    }

    /**
     * Whether the caller held {@code role} when it was taken (roles not checked then count as not held).
     *
     * @param role the role
     * @return whether the caller held it
     */
    public boolean hasRole(String role) {
        return roles.contains(role);
    }

    @Override
    public String toString() {
        return (name == null ? "anonymous" : name + (roles.isEmpty() ? "" : " " + new TreeSet<>(roles)))
                + (expiresAt == null ? "" : " until " + expiresAt);
    }
}
