package dev.ssejaxrs.demo;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.EventRegistry;

/**
 * The addresses clients name in URLs and bodies ({@code /topics/{topic}}, {@code /events?topic=},
 * {@code /subscribe/{recipient}}, {@code /emit}), kept apart from the demo's own topics ({@code htmx},
 * {@code todos}, {@code bench}): a client's topic {@code news} is the registry's topic {@code topics/news}, so no
 * client can publish to what the htmx page inserts as HTML, or fake a todo. Recipients are the client's alone.
 */
final class ClientAddresses {
    /** What every client topic's name starts with in the registry; none of the demo's own topics does. */
    static final String TOPIC_PREFIX = "topics/";

    private ClientAddresses() {
    }

    /**
     * The registry address of the {@code kind} named {@code name} by a client in {@code field}; a name the
     * registry's rule refuses (or that is too long once prefixed) is a 400 naming the field.
     */
    static Address of(EventRegistry registry, String field, Address.Kind kind, String name) {
        try {
            Address named = registry.options().checkName(new Address(kind, name == null ? "" : name));
            if (kind == Address.Kind.RECIPIENT) {
                return named;
            }
            return registry.options().checkName(Address.topic(TOPIC_PREFIX + named.name()));
        } catch (IllegalArgumentException e) {
            throw JsonErrors.badRequest(field + ": " + e.getMessage());
        }
    }
}
