/**
 * Several nodes on one Redis: the options of the registry's Redis back end. {@link dev.ssejaxrs.redis.RedisOptions}
 * is its configuration (given to {@code RegistryOptions.Builder.redis(..)}); {@link
 * dev.ssejaxrs.redis.RedisUnavailableException} is what a publish gets while Redis is away. The engine itself (the
 * registry's events in Redis Streams, through Lettuce, an optional dependency loaded only when Redis is configured)
 * is in {@code dev.ssejaxrs.internal.redis}. Tested against a standalone Redis 6.2 (the embedded-redis binary);
 * every key of a registry shares one hash tag, so a Redis Cluster keeps them in one slot, but the client used here is
 * the standalone one.
 */
package dev.ssejaxrs.redis;
