package dev.ssejaxrs.internal.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import dev.ssejaxrs.broadcast.RegistryOptions;
import dev.ssejaxrs.internal.store.EventId;

/**
 * The store's tables and functions, and how an event id maps to the {@code bigint} position they keep. One registry
 * per table prefix {@code p}: {@code p_events} (every address's history, and the rows that carry events to every
 * node), {@code p_queue} (offline recipients' queues), {@code p_addresses} (per address: newest id, floor, count),
 * {@code p_presence} (which node has a connection of which recipient), {@code p_clock} (the newest id, and the
 * retention every node applies).
 *
 * <p><b>Positions.</b> An id {@code <millis>-<sequence>} is kept as {@code millis << 20 | sequence}: one
 * {@code bigint} that orders as the id does, with up to 2<sup>20</sup> events per millisecond (more move on to the
 * next millisecond) and millis up to the year 2248. An id whose sequence does not fit was never issued here.
 *
 * <p><b>Why ids never go backwards.</b> An event's position is given by {@code p_stamp}, which first takes a
 * transaction-scoped advisory lock of the registry; PostgreSQL releases it only after the transaction's commit is
 * visible (or after its rollback). So of two transactions that publish, the one that got the smaller position is
 * visible before the other can even take the lock: whoever has seen a position has seen every smaller one. An
 * application's transaction inserts its rows without a position; a deferred constraint trigger ({@code p_stamp})
 * stamps them when the transaction commits, so the lock is held only from the start of the commit to its end, never
 * while the application works. A rolled-back transaction never stamps, never notifies, and leaves nothing.
 */
public final class PostgresSchema {
    /** The first key of the publish lock ({@code pg_advisory_xact_lock(LOCK_CLASS, key)}): "SSE" and 1. */
    static final int LOCK_CLASS = 0x53534501;
    /** Bits of the sequence in a position. */
    static final int SEQUENCE_BITS = 20;
    static final long SEQUENCE_MASK = (1L << SEQUENCE_BITS) - 1;

    private final String prefix;
    /** The second key of the publish lock, and the first key of each node's presence lock. */
    final int key;

    PostgresSchema(String prefix) {
        this.prefix = prefix;
        this.key = prefix.hashCode() & 0x7fffffff;
    }

    /** {@code p_name}. */
    String table(String name) {
        return prefix + "_" + name;
    }

    /** The channel every publish notifies on (at its commit). */
    String channel() {
        return prefix + "_events";
    }

    /** The position of {@code id}. */
    static long position(EventId id) {
        return id.millis() << SEQUENCE_BITS | id.sequence();
    }

    /** The position of {@code text} when it is an id this store may have issued, else -1. */
    static long position(String text) {
        EventId id = EventId.parse(text);
        if (id == null || id.sequence() > SEQUENCE_MASK || id.millis() >= 1L << (63 - SEQUENCE_BITS)) {
            return -1;
        }
        return position(id);
    }

    /** The id of {@code position}. */
    static EventId id(long position) {
        return new EventId(position >>> SEQUENCE_BITS, position & SEQUENCE_MASK);
    }

    /**
     * Creates what is missing (tables, index, functions, trigger), under the registry's lock so that nodes starting
     * together do not trip over each other. Idempotent.
     */
    void create(Connection c) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("select pg_advisory_xact_lock(" + LOCK_CLASS + ", " + key + ")");
            s.execute(sql());
            boolean hasTrigger;
            try (ResultSet r = s.executeQuery("select 1 from pg_trigger where tgname = '" + table("stamp")
                    + "' and tgrelid = '" + table("events") + "'::regclass")) {
                hasTrigger = r.next();
            }
            if (!hasTrigger) {
                s.execute(trigger());
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    /**
     * Writes this node's retention into the clock row (creating it with the current time as its first position):
     * every node stamps and trims with it, so nodes of one registry should share their history and offline-queue
     * options (the last one started wins).
     */
    void configure(Connection c, RegistryOptions options) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("insert into " + table("clock") + " values (true,"
                + " floor(extract(epoch from clock_timestamp()) * 1000)::bigint << " + SEQUENCE_BITS + ","
                + " floor(extract(epoch from clock_timestamp()) * 1000)::bigint << " + SEQUENCE_BITS + ", ?, ?, ?, ?)"
                + " on conflict (one) do update set history_size = excluded.history_size,"
                + " history_age_ms = excluded.history_age_ms, offline_size = excluded.offline_size,"
                + " offline_age_ms = excluded.offline_age_ms")) {
            s.setInt(1, Math.max(1, options.historySize())); // the rows also carry events to the other nodes
            s.setLong(2, options.historyAge().toMillis());
            s.setInt(3, options.offlineQueueSize());
            s.setLong(4, options.offlineQueueAge().toMillis());
            s.executeUpdate();
        }
    }

    /** The tables and functions, for {@code p}: what the several-nodes guide shows (with {@code p = sse}). */
    public String sql() {
        return template(TABLES + FUNCTIONS);
    }

    /** The trigger, created once. */
    String trigger() {
        return template(TRIGGER);
    }

    private String template(String text) {
        return text.replace("{p}", prefix).replace("{lock}", LOCK_CLASS + ", " + key).replace("{key}",
                Integer.toString(key)).replace("{bits}", Integer.toString(SEQUENCE_BITS));
    }

    private static final String TABLES = """
            create table if not exists {p}_clock (
                one boolean primary key default true check (one),
                last bigint not null,             -- the newest position given out
                forgotten bigint not null,        -- the floor of addresses no longer kept
                history_size integer not null,
                history_age_ms bigint not null,
                offline_size integer not null,
                offline_age_ms bigint not null
            );
            create table if not exists {p}_addresses (
                kind text not null check (kind in ('t', 'r')),
                name text not null,
                newest bigint not null,           -- the newest position published to it
                floor bigint not null,            -- the newest position no longer retained
                retained integer not null,        -- rows in {p}_events
                primary key (kind, name)
            );
            create table if not exists {p}_events (
                row_id bigserial primary key,
                pos bigint unique,                -- the event id; null until its transaction commits
                prev bigint,                      -- the position before it on its address
                kind text not null check (kind in ('t', 'r')),
                name text not null,
                event text,
                data text,
                comment text,
                retry_ms bigint
            );
            create index if not exists {p}_events_address on {p}_events (kind, name, pos);
            create table if not exists {p}_queue (
                recipient text not null,
                pos bigint not null,
                event text,
                data text,
                comment text,
                retry_ms bigint,
                primary key (recipient, pos)
            );
            create table if not exists {p}_presence (
                recipient text not null,
                node integer not null,            -- the node's session holds pg_advisory_lock({key}, node)
                primary key (recipient, node)
            );
            """;

    private static final String FUNCTIONS = """
            -- trims one address's history by age and count, raising its floor
            create or replace function {p}_trim(k text, a text, keep integer, horizon bigint) returns void
            language plpgsql as $$
            declare
                cut bigint;
                n integer;
                extra integer;
            begin
                with gone as (delete from {p}_events where kind = k and name = a and pos < horizon returning pos)
                select max(pos), count(*) into cut, n from gone;
                update {p}_addresses set floor = greatest(floor, coalesce(cut, floor)), retained = retained - n
                    where kind = k and name = a returning retained - keep into extra;
                if extra > 0 then
                    with gone as (delete from {p}_events where row_id in (select row_id from {p}_events
                        where kind = k and name = a and pos is not null order by pos limit extra) returning pos)
                    select max(pos), count(*) into cut, n from gone;
                    update {p}_addresses set floor = greatest(floor, coalesce(cut, floor)), retained = retained - n
                        where kind = k and name = a;
                end if;
            end $$;

            -- the next position, under the registry's lock (held until the transaction ends); whether a recipient
            -- has a connection on no live node, so that the event waits in its queue
            create or replace function {p}_stamp(k text, a text, out pos bigint, out prev bigint, out queue boolean)
            language plpgsql as $$
            declare
                c {p}_clock;
                ms bigint := floor(extract(epoch from clock_timestamp()) * 1000)::bigint;
            begin
                perform pg_advisory_xact_lock({lock});
                update {p}_clock set last = greatest(last + 1, ms << {bits}) returning * into c;
                pos := c.last;
                select newest into prev from {p}_addresses where kind = k and name = a;
                if found then
                    update {p}_addresses set newest = pos, retained = retained + 1 where kind = k and name = a;
                else
                    insert into {p}_addresses values (k, a, pos, c.forgotten, 1);
                end if;
                perform {p}_trim(k, a, c.history_size, (ms - c.history_age_ms) << {bits});
                queue := false;
                if k = 'r' and c.offline_size > 0 then
                    delete from {p}_presence p where p.recipient = a and not exists (select 1 from pg_locks l
                        where l.locktype = 'advisory' and l.granted and l.classid = {key}::oid
                        and l.objid = p.node::oid and l.objsubid = 2
                        and l.database = (select oid from pg_database where datname = current_database()));
                    queue := not exists (select 1 from {p}_presence where recipient = a);
                end if;
                perform pg_notify('{p}_events', '');
            end $$;

            -- adds an event to an offline recipient's queue, trimmed by age and size
            create or replace function {p}_enqueue(a text, at bigint, e text, d text, cm text, r bigint)
            returns void language plpgsql as $$
            declare
                c {p}_clock;
                ms bigint := floor(extract(epoch from clock_timestamp()) * 1000)::bigint;
            begin
                select * into c from {p}_clock;
                insert into {p}_queue values (a, at, e, d, cm, r);
                delete from {p}_queue where recipient = a and pos < (ms - c.offline_age_ms) << {bits};
                delete from {p}_queue where recipient = a and pos <= (select q.pos from {p}_queue q
                    where q.recipient = a order by q.pos desc offset c.offline_size limit 1);
            end $$;

            -- publishes at once (its own transaction, or the caller's): the position and whether it was queued
            create or replace function {p}_publish(k text, a text, e text, d text, cm text, r bigint,
                out pos bigint, out queued boolean)
            language plpgsql as $$
            declare
                s record;
            begin
                select * into s from {p}_stamp(k, a);
                insert into {p}_events (pos, prev, kind, name, event, data, comment, retry_ms)
                    values (s.pos, s.prev, k, a, e, d, cm, r);
                if s.queue then
                    perform {p}_enqueue(a, s.pos, e, d, cm, r);
                end if;
                pos := s.pos;
                queued := s.queue;
            end $$;

            -- stamps a row an application's transaction inserted, when that transaction commits
            create or replace function {p}_stamp_row() returns trigger language plpgsql as $$
            declare
                s record;
            begin
                select * into s from {p}_stamp(new.kind, new.name);
                update {p}_events set pos = s.pos, prev = s.prev where row_id = new.row_id;
                if s.queue then
                    perform {p}_enqueue(new.name, s.pos, new.event, new.data, new.comment, new.retry_ms);
                end if;
                return null;
            end $$;

            -- a node has a connection of recipient a: from now on its events are not queued
            create or replace function {p}_online(a text, n integer) returns void language plpgsql as $$
            begin
                perform pg_advisory_xact_lock({lock});
                insert into {p}_presence values (a, n) on conflict do nothing;
            end $$;

            -- drops what is older than its age, and addresses left with nothing
            create or replace function {p}_expire() returns void language plpgsql as $$
            declare
                c {p}_clock;
                ms bigint := floor(extract(epoch from clock_timestamp()) * 1000)::bigint;
                horizon bigint;
            begin
                perform pg_advisory_xact_lock({lock});
                select * into c from {p}_clock;
                horizon := (ms - c.history_age_ms) << {bits};
                with gone as (delete from {p}_events where pos < horizon returning kind, name, pos),
                    per as (select kind, name, max(pos) cut, count(*) n from gone group by kind, name)
                update {p}_addresses a set floor = greatest(a.floor, per.cut), retained = a.retained - per.n
                    from per where a.kind = per.kind and a.name = per.name;
                delete from {p}_queue where pos < (ms - c.offline_age_ms) << {bits};
                with gone as (delete from {p}_addresses a where a.retained <= 0 and a.newest < horizon
                    and not exists (select 1 from {p}_queue q where a.kind = 'r' and q.recipient = a.name)
                    returning newest)
                update {p}_clock set forgotten = greatest(forgotten, (select max(newest) from gone));
            end $$;
            """;

    private static final String TRIGGER = """
            create constraint trigger {p}_stamp after insert on {p}_events
                deferrable initially deferred for each row when (new.pos is null)
                execute procedure {p}_stamp_row();
            """;
}
