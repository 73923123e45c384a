package dev.ssejaxrs.internal.postgres;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.event.SseEvent;

/**
 * One event as a row keeps it: its position, the position before it on its address ({@code -1}: none known), its
 * address, and its fields ({@code event}, {@code data}, {@code comment}, {@code retry_ms}; the id is the position).
 * Any node rebuilds the same event from the row and encodes it once for all its subscribers.
 *
 * @param position the event's position (its id, see {@link PostgresSchema#id})
 * @param previous the position of the event before it on its address, or -1
 * @param address where it was published
 * @param event the event, its id set to the id of {@code position}
 */
record StoredEvent(long position, long previous, Address address, SseEvent event) {
    /** The columns {@link #read} expects, in order. */
    static final String COLUMNS = "pos, prev, kind, name, event, data, comment, retry_ms";

    /** The row at {@code r}'s cursor, selected with {@link #COLUMNS}. */
    static StoredEvent read(ResultSet r) throws SQLException {
        long position = r.getLong(1);
        long previous = r.getLong(2);
        if (r.wasNull()) {
            previous = -1;
        }
        String name = r.getString(4);
        Address address = "r".equals(r.getString(3)) ? Address.recipient(name) : Address.topic(name);
        SseEvent.Builder b = SseEvent.builder().id(PostgresSchema.id(position).toString());
        String event = r.getString(5);
        if (event != null) {
            b.event(event);
        }
        String data = r.getString(6);
        if (data != null) {
            b.data(data);
        }
        String comment = r.getString(7);
        if (comment != null) {
            b.comment(comment);
        }
        long retry = r.getLong(8);
        if (!r.wasNull()) {
            b.retry(Duration.ofMillis(retry));
        }
        return new StoredEvent(position, previous, address, b.build());
    }

    /** {@code 't'} or {@code 'r'}, as the tables keep an address's kind. */
    static String kind(Address address) {
        return address.kind() == Address.Kind.RECIPIENT ? "r" : "t";
    }

    /**
     * Binds the kind, name, event, data, comment and retry of {@code event} to the parameters from {@code first}.
     *
     * @throws IllegalArgumentException when a field holds NUL, which PostgreSQL text cannot keep
     */
    static void bind(PreparedStatement s, int first, Address address, SseEvent event) throws SQLException {
        s.setString(first, kind(address));
        s.setString(first + 1, text("address name", address.name()));
        s.setString(first + 2, text("event name", event.event()));
        s.setString(first + 3, text("data", event.data()));
        s.setString(first + 4, text("comment", event.comment()));
        if (event.retry() == null) {
            s.setNull(first + 5, Types.BIGINT);
        } else {
            s.setLong(first + 5, event.retry().toMillis());
        }
    }

    /**
     * Checks that PostgreSQL can keep the address and the event.
     *
     * @throws IllegalArgumentException when a field holds NUL, naming the field
     */
    static void check(Address address, SseEvent event) {
        text("address name", address.name());
        text("event name", event.event());
        text("data", event.data());
        text("comment", event.comment());
    }

    private static String text(String field, String value) {
        if (value != null && value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("the " + field + " holds NUL (U+0000), which PostgreSQL text cannot "
                    + "keep: the registry on PostgreSQL refuses it");
        }
        return value;
    }
}
