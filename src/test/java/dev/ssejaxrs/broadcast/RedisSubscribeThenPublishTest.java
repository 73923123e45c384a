package dev.ssejaxrs.broadcast;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.ssejaxrs.redis.RedisOptions;
import dev.ssejaxrs.redis.RedisProcess;

/**
 * {@link SubscribeThenPublishTest} on a real Redis: the subscription takes its position (one round trip) when the
 * resource method opens it, and the join, a few round trips later, replays what was published after it.
 */
class RedisSubscribeThenPublishTest extends SubscribeThenPublishTest {
    @RegisterExtension
    static final RedisProcess redis = RedisProcess.perTestClass();
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    @Override
    RegistryOptions options() {
        return RegistryOptions.builder().accessPolicy(AccessPolicy.anyone())
                .redis(RedisOptions.builder(redis.uri()).keyPrefix("head" + PREFIXES.incrementAndGet()).build())
                .build();
    }
}
