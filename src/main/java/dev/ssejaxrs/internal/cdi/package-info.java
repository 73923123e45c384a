/**
 * Internal: the CDI extension that makes the application's {@code EventRegistry} a bean, loaded only by a CDI
 * container. Not API.
 */
package dev.ssejaxrs.internal.cdi;
