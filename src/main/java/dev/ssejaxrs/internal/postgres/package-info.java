/**
 * Internal: the registry in PostgreSQL through pgjdbc (an optional dependency, loaded only when PostgreSQL is
 * configured): {@link dev.ssejaxrs.internal.postgres.PostgresChannelStore} is the store (local fan-out and the join
 * protocol); {@code PostgresSchema} the tables, functions and trigger; {@code PostgresPublisher} publishing and
 * presence; {@code PostgresListener} the listening connection; {@code PostgresReplay} catch-up by position range.
 * Not API.
 */
package dev.ssejaxrs.internal.postgres;
