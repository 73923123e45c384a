/**
 * Internal: Grizzly's HTTP/2 streams (a reset stream ends its event stream). Loaded only when grizzly-http2 is on the
 * class path. Not API.
 */
package dev.ssejaxrs.internal.http2;
