/**
 * Several nodes on one Redis: the registry's events in Redis Streams, through Lettuce (an optional dependency,
 * loaded only when Redis is configured). {@link dev.ssejaxrs.redis.RedisEventLog} is the back end's engine
 * (publish, replay, live reading, offline queues, presence); {@link dev.ssejaxrs.redis.RedisOptions} is its
 * configuration; {@link dev.ssejaxrs.redis.RedisUnavailableException} is what a publish gets while Redis is away.
 * Tested against a standalone Redis 6.2 (the embedded-redis binary); every key of a registry shares one hash tag,
 * so a Redis Cluster keeps them in one slot, but the client used here is the standalone one.
 */
package dev.ssejaxrs.redis;
