package dev.ssejaxrs.postgres;

/**
 * The registry's PostgreSQL could not be reached (no connection, the connection broke, or no answer within the
 * command timeout), so a publish or a subscription was refused. Nothing is buffered: the caller decides whether to
 * retry. When the connection broke while the publish was in flight, PostgreSQL may still have committed the event;
 * it is then delivered like any other.
 */
public final class PostgresUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * With {@code message} saying what could not be done, and the failure that stopped it.
     *
     * @param message what could not be done
     * @param cause the failure that stopped it
     */
    public PostgresUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
