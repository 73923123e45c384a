/**
 * A PostgreSQL change feed: {@link dev.ssejaxrs.postgres.PostgresChangeFeed} listens on one connection
 * ({@code LISTEN}) and publishes each notification to the registry. Needs pgjdbc, an optional dependency.
 */
package dev.ssejaxrs.postgres;
