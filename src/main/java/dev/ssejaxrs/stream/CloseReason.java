package dev.ssejaxrs.stream;

/** Why an event stream ended; passed once to the stream's on-close callback. */
public enum CloseReason {
    /** The publisher completed and every event was written. */
    COMPLETED,
    /** The client went away (closed its connection, or a write failed). */
    CLIENT_GONE,
    /** A write or ping did not complete within the send timeout: the client stopped reading. */
    SEND_TIMEOUT,
    /** The publisher signalled an error (logged; optionally sent to the client as an error event). */
    PUBLISHER_ERROR,
    /** The application is shutting down. */
    SHUTDOWN
}
