package dev.ssejaxrs.broadcast;

/**
 * An event larger than the registry's {@link RegistryOptions.Builder#maxEventSize maxEventSize}, refused by
 * {@code publish} before anything is stored. It is an {@link IllegalArgumentException}, and {@link BroadcastFeature}
 * maps it to {@code 413} with the message as JSON ({@code {"error": "..."}}) when it leaves a resource method.
 *
 * <pre>{@code
 * registry.publish("news", SseEvent.of(body)); // 100 KiB: 413 {"error": "event of 102421 bytes to topic news ..."}
 * }</pre>
 */
public final class EventTooLargeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    /** The size of the refused event, in bytes. */
    private final int size;
    /** The {@code maxEventSize} it went past, in bytes. */
    private final int limit;

    EventTooLargeException(Address address, int size, int limit) {
        super("event of " + size + " bytes to " + address.kind().name().toLowerCase(java.util.Locale.ROOT) + " "
                + shown(address.name()) + " is larger than maxEventSize, " + limit + " bytes");
        this.size = size;
        this.limit = limit;
    }

    /** The name as the message shows it: bounded (names are checked before the size, so they are well-formed). */
    private static String shown(String name) {
        return name.length() <= 64 ? name : name.substring(0, 64) + "...";
    }

    /**
     * The size of the refused event.
     *
     * @return the length of its encoding, in bytes
     */
    public int size() {
        return size;
    }

    /**
     * The limit it went past.
     *
     * @return the registry's {@code maxEventSize}, in bytes
     */
    public int limit() {
        return limit;
    }
}
