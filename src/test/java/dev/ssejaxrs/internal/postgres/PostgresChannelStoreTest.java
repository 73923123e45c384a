package dev.ssejaxrs.internal.postgres;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.ssejaxrs.broadcast.RegistryOptions;
import dev.ssejaxrs.internal.store.ChannelStore;
import dev.ssejaxrs.internal.store.ChannelStoreContract;
import dev.ssejaxrs.postgres.PostgresProcess;

/**
 * The store contract, for the PostgreSQL store, on a real PostgreSQL (embedded, one for the class; each store under
 * a table prefix of its own, so the tests never see each other's events).
 */
class PostgresChannelStoreTest extends ChannelStoreContract {
    @RegisterExtension
    static final PostgresProcess postgres = PostgresProcess.perTestClass();

    @Override
    protected ChannelStore newStore(RegistryOptions.Builder options) {
        return PostgresChannelStore.open(options.postgres(postgres.options().build()).build());
    }

    @Override
    protected boolean distributed() {
        return true;
    }
}
