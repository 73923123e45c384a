/**
 * Internal: what keeps a registry's addresses. {@link dev.ssejaxrs.internal.store.ChannelStore} is the contract,
 * {@link dev.ssejaxrs.internal.store.MemoryChannelStore} the in-memory store, {@link
 * dev.ssejaxrs.internal.store.ConnectionQueue} one subscriber's queue and {@link dev.ssejaxrs.internal.store.EventId}
 * the one parser of event ids. Not API.
 */
package dev.ssejaxrs.internal.store;
