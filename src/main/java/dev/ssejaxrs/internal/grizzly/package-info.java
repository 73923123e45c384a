/**
 * Internal: the Grizzly adapter (non-blocking writes, disconnect detection, graceful shutdown, the request Jersey
 * lets go of). Loaded only when Grizzly is on the class path. Not API.
 */
package dev.ssejaxrs.internal.grizzly;
