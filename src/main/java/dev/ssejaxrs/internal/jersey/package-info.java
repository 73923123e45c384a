/**
 * Internal: the Jersey adapter. It turns a returned {@code EventStream} into a committed event-stream response
 * ({@link dev.ssejaxrs.internal.jersey.EventStreamResponseFilter}, {@link dev.ssejaxrs.internal.jersey.StreamStart})
 * and lists, in {@link dev.ssejaxrs.internal.jersey.JerseyInternals}, every Jersey behaviour the library relies on.
 * Not API.
 */
package dev.ssejaxrs.internal.jersey;
