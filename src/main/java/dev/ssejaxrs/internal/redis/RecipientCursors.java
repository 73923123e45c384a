package dev.ssejaxrs.internal.redis;

import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

import dev.ssejaxrs.internal.store.EventId;

/**
 * Each recipient's cursor in Redis ({@code {prefix}:w:<recipient>}): the newest of its events that a connection was
 * given, on any node. A recipient's next connection, with or without {@code Last-Event-ID}, gets the events of its
 * stream after the cursor: an event published while a dead node's presence still made the recipient look online
 * (so it was not queued) was never given to a connection, and is delivered then. This class moves the cursor up
 * for the recipients connected to this node, as their events are handed to a connection.
 *
 * <p>Writes are coalesced per recipient: at most one {@code ADVANCE_CURSOR} in flight, each carrying the newest id
 * given when it is sent, so a burst of events costs a few commands, not one each. A cursor that lags (a command
 * failed, the node died before sending it) only means the next connection gets some events again: duplicates are
 * acceptable, a loss is not.
 *
 * <p>Thread-safe: {@link #gave} is called by the store outside its lock; completions run on Lettuce's threads. Each
 * recipient's state is guarded by its own monitor.
 */
final class RecipientCursors {
    private final Map<String, Cursor> cursors = new ConcurrentHashMap<>();
    /** Sends one advance: (recipient, id) to a stage that completes when Redis has it. */
    private final BiFunction<String, String, CompletionStage<?>> advance;

    RecipientCursors(BiFunction<String, String, CompletionStage<?>> advance) {
        this.advance = advance;
    }

    /** The state of one recipient connected here. */
    private static final class Cursor {
        EventId given;
        boolean sending;
    }

    /** Records that a connection of {@code recipient} here was given the event {@code id}; moves the cursor up. */
    void gave(String recipient, EventId id) {
        Cursor cursor = cursors.computeIfAbsent(recipient, r -> new Cursor());
        String send;
        synchronized (cursor) {
            if (cursor.given != null && !id.isAfter(cursor.given)) {
                return;
            }
            cursor.given = id;
            if (cursor.sending) {
                return; // the advance in flight sends the newest id again when it completes
            }
            cursor.sending = true;
            send = id.toString();
        }
        send(recipient, cursor, send);
    }

    private void send(String recipient, Cursor cursor, String id) {
        advance.apply(recipient, id).whenComplete((ok, failure) -> {
            String next = null;
            synchronized (cursor) {
                if (failure == null && cursor.given != null && !cursor.given.toString().equals(id)) {
                    next = cursor.given.toString();
                } else {
                    cursor.sending = false; // on failure, the next event or the leave sends it again
                }
            }
            if (next != null) {
                send(recipient, cursor, next);
            }
        });
    }

    /** The newest id given to a connection of {@code recipient} here, or {@code ""}. */
    String given(String recipient) {
        Cursor cursor = cursors.get(recipient);
        if (cursor == null) {
            return "";
        }
        synchronized (cursor) {
            return cursor.given == null ? "" : cursor.given.toString();
        }
    }

    /** Forgets {@code recipient} (its last connection here left; the leave script moved its cursor). */
    void forget(String recipient) {
        cursors.remove(recipient);
    }
}
