package dev.ssejaxrs.testing;

import java.time.Duration;
import java.util.Objects;

/**
 * One event as a conforming client dispatches it after parsing an event stream by the WHATWG rules.
 *
 * <p>{@code type} is the {@code event} field or {@code "message"}; {@code data} is the {@code data} lines joined with
 * LF; {@code lastEventId} is the stream's last event id at dispatch time (it persists across events, as in a
 * browser's {@code MessageEvent.lastEventId}); {@code retry} is the reconnection time set by a valid {@code retry}
 * field in this event's own block, or {@code null}.
 *
 * <pre>{@code
 * ReceivedEvent e = stream.next(Duration.ofSeconds(5));
 * assertEquals(new ReceivedEvent("update", "42", "7", null), e);
 * }</pre>
 *
 * @param type        the event type, never {@code null} or empty
 * @param data        the data, never {@code null}
 * @param lastEventId the last event id, {@code ""} when none has been set; never {@code null}
 * @param retry       the reconnection time from this event's block, or {@code null}
 */
public record ReceivedEvent(String type, String data, String lastEventId, Duration retry) {

    /**
     * Checks the components.
     *
     * @param type        the event type, never {@code null} or empty
     * @param data        the data, never {@code null}
     * @param lastEventId the last event id, {@code ""} when none has been set; never {@code null}
     * @param retry       the reconnection time from this event's block (not negative), or {@code null}
     */
    public ReceivedEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(lastEventId, "lastEventId");
        if (type.isEmpty()) {
            throw new IllegalArgumentException("type must not be empty (clients use \"message\")");
        }
        if (retry != null && retry.isNegative()) {
            throw new IllegalArgumentException("retry must not be negative: " + retry);
        }
    }

    /**
     * An event of type {@code message} with the given data, no last event id and no retry.
     *
     * @param data the data (not null)
     * @return the event
     */
    public static ReceivedEvent message(String data) {
        return new ReceivedEvent("message", data, "", null);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ReceivedEvent{type=").append(Visible.of(type))
                .append(" data=").append(Visible.of(data));
        if (!lastEventId.isEmpty()) {
            sb.append(" lastEventId=").append(Visible.of(lastEventId));
        }
        if (retry != null) {
            sb.append(" retry=").append(retry.toMillis()).append("ms");
        }
        return sb.append('}').toString();
    }
}
