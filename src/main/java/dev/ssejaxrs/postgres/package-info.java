/**
 * PostgreSQL: {@link dev.ssejaxrs.postgres.PostgresChangeFeed} listens on one connection ({@code LISTEN}) and
 * publishes each notification to the registry; {@link dev.ssejaxrs.postgres.PostgresOptions} puts the registry itself
 * in PostgreSQL tables (several nodes, publishing inside the application's transaction). Needs pgjdbc, an optional
 * dependency.
 */
package dev.ssejaxrs.postgres;
