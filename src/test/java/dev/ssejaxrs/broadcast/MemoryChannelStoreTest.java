package dev.ssejaxrs.broadcast;

/** The store contract, for the in-memory store. */
class MemoryChannelStoreTest extends ChannelStoreContract {
    @Override
    ChannelStore newStore(RegistryOptions.Builder options) {
        return new MemoryChannelStore(options.build());
    }
}
