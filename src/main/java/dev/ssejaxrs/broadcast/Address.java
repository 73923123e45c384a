package dev.ssejaxrs.broadcast;

import java.util.Objects;

/**
 * Where events go: a {@linkplain #topic(String) topic} (every current subscriber receives each event) or a
 * {@linkplain #recipient(String) recipient} (a user or client id: every open connection of it receives each event,
 * and events wait in its queue while it has none).
 *
 * @param kind topic or recipient
 * @param name the topic name or the recipient id; not blank
 */
public record Address(Kind kind, String name) {

    /** The two kinds of address. */
    public enum Kind {
        /** A named channel. */
        TOPIC,
        /** A user or client id. */
        RECIPIENT
    }

    /**
     * Checks the name.
     *
     * @param kind topic or recipient (not null)
     * @param name the topic name or the recipient id; not blank
     * @throws IllegalArgumentException when {@code name} is blank
     */
    public Address {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException(kind.name().toLowerCase(java.util.Locale.ROOT)
                    + " name must not be blank");
        }
    }

    /**
     * A topic.
     *
     * @param name the topic name; not blank
     * @return the topic's address
     */
    public static Address topic(String name) {
        return new Address(Kind.TOPIC, name);
    }

    /**
     * A recipient.
     *
     * @param id the recipient id (a user or client id); not blank
     * @return the recipient's address
     */
    public static Address recipient(String id) {
        return new Address(Kind.RECIPIENT, id);
    }

    @Override
    public String toString() {
        return (kind == Kind.TOPIC ? "topic:" : "recipient:") + name;
    }
}
