package dev.ssejaxrs.internal.store;

/**
 * An event for an address that is complete ({@link ChannelStore#complete}): it takes no more events. Every store
 * fails with this type, so that a producer can tell "the stream was ended by someone else" from a store failure.
 */
public final class AddressCompleteException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public AddressCompleteException(String message) {
        super(message);
    }
}
