/**
 * Internal: the container-neutral streaming core. {@link dev.ssejaxrs.internal.core.StreamPump} writes one stream
 * (demand, batches, pings, send timeouts, closing) onto a {@link dev.ssejaxrs.internal.core.StreamConnection};
 * {@link dev.ssejaxrs.internal.core.StreamEngine} owns an application's streams, threads and shutdown. Not API: it
 * may change in any release.
 */
package dev.ssejaxrs.internal.core;
