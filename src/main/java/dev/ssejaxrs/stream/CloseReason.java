package dev.ssejaxrs.stream;

/** Why an event stream ended; passed once to the stream's on-close callback. */
public enum CloseReason {
    /** The publisher completed and every event was written. */
    COMPLETED,
    /** The client went away (closed its connection, or a write failed), possibly before the stream opened. */
    CLIENT_GONE,
    /** A write or ping did not complete within the send timeout: the client stopped reading. */
    SEND_TIMEOUT,
    /** The publisher signalled an error (logged; optionally sent to the client as an error event). */
    PUBLISHER_ERROR,
    /** An item could not be encoded as an event (logged with its type); the publisher was cancelled. */
    ENCODING_ERROR,
    /**
     * Application code called for this stream failed (logged once): the ping supplier or the error-event function
     * of its options, or, for a registry subscriber, the access policy or the {@code latestPerKey} key function.
     * Only this stream ends; a registry's other subscribers and its queues are untouched.
     */
    CALLBACK_ERROR,
    /**
     * The response ended without streaming, and the publisher was never subscribed: a {@code HEAD} request, or a
     * response that failed before its head was written (a later response filter threw, {@code sendTo} failed).
     */
    NOT_OPENED,
    /** The application is shutting down. */
    SHUTDOWN
}
