/**
 * Internal: the registry on Redis Streams through Lettuce (an optional dependency, loaded only when Redis is
 * configured): {@link dev.ssejaxrs.internal.redis.RedisChannelStore} is the store, {@link
 * dev.ssejaxrs.internal.redis.RedisEventLog} the engine (publish, replay, live reading, offline queues, presence). Not
 * API.
 */
package dev.ssejaxrs.internal.redis;
