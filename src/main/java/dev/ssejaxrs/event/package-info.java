/**
 * The event model and its wire encoding. {@link dev.ssejaxrs.event.SseEvent} is an immutable Server-Sent Event that
 * validates its fields when built and encodes itself once, exactly as the WHATWG rules frame it;
 * {@link dev.ssejaxrs.event.LineSeparator} picks the line ending. A user builds events here and returns or publishes
 * them through {@code dev.ssejaxrs.stream} and {@code dev.ssejaxrs.broadcast}.
 */
package dev.ssejaxrs.event;
