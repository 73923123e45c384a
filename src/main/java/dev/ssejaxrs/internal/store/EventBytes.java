package dev.ssejaxrs.internal.store;

import dev.ssejaxrs.event.LineSeparator;
import dev.ssejaxrs.event.SseEvent;

/**
 * The size of an event for the registry's byte budgets ({@code maxEventSize}, the byte bounds of histories and
 * queues): the length of its encoding with CRLF, the streams' default line separator, so that measuring it reuses
 * the encoding the streams write (an event keeps its last encoding).
 */
public final class EventBytes {
    private EventBytes() {
    }

    /**
     * The bytes of {@code event}. JSON data that the library cannot write here (an application with Jackson only,
     * before it started: its streams will write it) counts as the rest of the event.
     */
    public static int of(SseEvent event) {
        try {
            return event.encodedLength(LineSeparator.CRLF);
        } catch (IllegalStateException noJsonWriter) {
            return event.toBuilder().data(null).build().encodedLength(LineSeparator.CRLF);
        }
    }
}
