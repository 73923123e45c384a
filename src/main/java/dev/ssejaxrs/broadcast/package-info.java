/**
 * The broadcaster registry: topics and recipient queues, replay by {@code Last-Event-ID}, slow-consumer and access
 * policies. A user publishes with {@link dev.ssejaxrs.broadcast.EventRegistry#publish} and subscribes with
 * {@link dev.ssejaxrs.broadcast.EventRegistry#subscribe}, addresses being
 * {@link dev.ssejaxrs.broadcast.Address topics or recipients}; {@link dev.ssejaxrs.broadcast.RegistryOptions}
 * configures it (in memory by default, on Redis with {@code RegistryOptions.Builder.redis}) and
 * {@link dev.ssejaxrs.broadcast.BroadcastFeature} makes one registry per Jersey application. The stores behind it are
 * in {@code dev.ssejaxrs.internal.store} and {@code dev.ssejaxrs.internal.redis}.
 */
package dev.ssejaxrs.broadcast;
