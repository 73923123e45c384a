package dev.ssejaxrs.internal.redis;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.ssejaxrs.broadcast.RegistryOptions;
import dev.ssejaxrs.internal.store.ChannelStore;
import dev.ssejaxrs.internal.store.ChannelStoreContract;
import dev.ssejaxrs.redis.RedisOptions;
import dev.ssejaxrs.redis.RedisProcess;

/**
 * The store contract, for the Redis store, on a real redis-server (a free port for this class; each store under a
 * key prefix of its own, so the tests never see each other's events).
 */
class RedisChannelStoreTest extends ChannelStoreContract {
    @RegisterExtension
    static final RedisProcess redis = RedisProcess.perTestClass();
    private static final AtomicInteger STORES = new AtomicInteger();

    @Override
    protected ChannelStore newStore(RegistryOptions.Builder options) {
        return RedisChannelStore.open(options.redis(RedisOptions.builder(redis.uri())
                .keyPrefix("contract" + STORES.incrementAndGet()).build()).build());
    }

    @Override
    protected boolean distributed() {
        return true;
    }
}
