package dev.ssejaxrs.redis;

/**
 * Redis could not be reached (not connected, the connection broke, or no answer within the command timeout), so a
 * publish was refused. Publishing is not buffered: the caller decides whether to retry. When the connection broke
 * while the command was in flight, Redis may still have accepted the event; it is then delivered like any other.
 */
public final class RedisUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * With {@code message} saying what could not be done, and the failure that stopped it.
     *
     * @param message what could not be done
     * @param cause the failure that stopped it
     */
    public RedisUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
