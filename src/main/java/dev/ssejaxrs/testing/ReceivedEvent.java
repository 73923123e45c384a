package dev.ssejaxrs.testing;

import java.util.List;

/**
 * One event as a client dispatches it (WHATWG rules): its type ({@code message} unless named), its data (lines
 * joined with LF), the last event id in force when it fired, and the comments (pings) read since the event before.
 *
 * <pre>{@code
 * ReceivedEvent event = stream.next(Duration.ofSeconds(5));
 * assertEquals("update", event.type());
 * assertEquals("Update 1\nTime: 12:00:01", event.data());
 * }</pre>
 *
 * @param type the event type, {@code "message"} when the stream named none
 * @param data the data, lines joined with LF
 * @param lastEventId the last event id (persists across events; {@code ""} when none was ever set)
 * @param comments the comment lines (without the colon and one leading space) read since the previous event
 */
public record ReceivedEvent(String type, String data, String lastEventId, List<String> comments) {

    /** An event of type {@code message} with no id and no comments, for comparisons in tests. */
    public static ReceivedEvent message(String data) {
        return new ReceivedEvent("message", data, "", List.of());
    }

    /** Whether type, data and last event id equal {@code other}'s; comments are not compared. */
    public boolean sameEventAs(ReceivedEvent other) {
        return type.equals(other.type) && data.equals(other.data) && lastEventId.equals(other.lastEventId);
    }

    @Override
    public String toString() {
        return "ReceivedEvent{type=" + type + ", data=" + Show.text(data) + ", lastEventId=" + Show.text(lastEventId)
                + (comments.isEmpty() ? "" : ", comments=" + comments.size()) + "}";
    }
}
