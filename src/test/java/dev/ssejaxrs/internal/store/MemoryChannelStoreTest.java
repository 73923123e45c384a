package dev.ssejaxrs.internal.store;

import dev.ssejaxrs.broadcast.RegistryOptions;

/** The store contract, for the in-memory store. */
class MemoryChannelStoreTest extends ChannelStoreContract {
    @Override
    protected ChannelStore newStore(RegistryOptions.Builder options) {
        return new MemoryChannelStore(options.build());
    }
}
