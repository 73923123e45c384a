/**
 * The Model Context Protocol's Streamable HTTP transport on Jakarta REST:
 * {@link dev.ssejaxrs.mcp.McpStreamableTransport} serves the official MCP Java SDK's server
 * ({@code io.modelcontextprotocol.sdk:mcp-core}, an optional dependency loaded only by this package) with sessions,
 * resumable streams and, through the {@link dev.ssejaxrs.broadcast.EventRegistry}, replay on Redis across nodes.
 */
package dev.ssejaxrs.mcp;
