/**
 * Streaming from a resource method. Return an {@link dev.ssejaxrs.stream.EventStream} (from a
 * {@code Flow.Publisher}, an iterator or a {@code java.util.stream.Stream}) with its
 * {@link dev.ssejaxrs.stream.StreamOptions}; the library writes it with backpressure, pings, send timeouts,
 * disconnect detection and graceful shutdown. {@link dev.ssejaxrs.stream.EventStreamFeature} registers it with Jersey
 * (auto-discovered), {@link dev.ssejaxrs.stream.SseRuntime} shows an application's streams and its shutdown signal,
 * and {@link dev.ssejaxrs.stream.CloseReason} says why a stream ended. The machinery is in
 * {@code dev.ssejaxrs.internal.core} (the pump) and the container adapters under {@code dev.ssejaxrs.internal}.
 */
package dev.ssejaxrs.stream;
