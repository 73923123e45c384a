package dev.ssejaxrs.broadcast;

/**
 * An address name the registry's options refuse (see {@link RegistryOptions#checkName}). It is an
 * {@link IllegalArgumentException}, and {@link BroadcastFeature} maps it to {@code 400} with the message as JSON
 * ({@code {"error": "..."}}) when it leaves a resource method, say from {@code registry.publish(...)} with a name
 * taken from the request; the message never holds more than a bounded, escaped part of the name.
 *
 * <pre>{@code
 * registry.publish(Address.recipient(idFromUrl), event); // a bad id: 400 {"error": "recipient name must ..."}
 * }</pre>
 */
public final class InvalidAddressException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    InvalidAddressException(String message) {
        super(message);
    }
}
