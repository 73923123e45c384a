package dev.ssejaxrs.internal.core;

/**
 * Application code called for one stream failed (an access policy, a key function): the publisher of that stream
 * signals this error, and the stream ends with {@link dev.ssejaxrs.stream.CloseReason#CALLBACK_ERROR} instead of
 * {@code PUBLISHER_ERROR}. Whoever raises it has logged the cause once.
 */
public final class CallbackFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** {@code callback} names the application code that threw {@code cause}, for the message. */
    public CallbackFailure(String callback, Throwable cause) {
        super(callback + " threw " + cause, cause, false, false);
    }
}
