/**
 * Test support, shipped in the {@code testing} classifier jar: {@link dev.ssejaxrs.testing.SseServerExtension} starts a
 * real Grizzly server for a JUnit 5 test, {@link dev.ssejaxrs.testing.EventStreamClient} opens a stream over real HTTP
 * and {@link dev.ssejaxrs.testing.EventStreamReader} parses the bytes as a browser would.
 */
package dev.ssejaxrs.testing;
