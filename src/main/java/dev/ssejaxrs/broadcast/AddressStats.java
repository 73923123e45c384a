package dev.ssejaxrs.broadcast;

import java.util.Map;

/**
 * Counts of one address at one moment.
 *
 * @param subscribers open subscriber connections now
 * @param queued events waiting for an offline recipient now
 * @param retained events in the replay history now
 * @param published events published since the application started
 * @param delivered events handed to subscriber queues (one per subscriber)
 * @param dropped events dropped: by the slow-consumer policy, or evicted from an offline queue unread
 * @param disconnects ended subscriber streams by reason ({@code CLIENT_GONE}, {@code SEND_TIMEOUT},
 *     {@code SLOW_CONSUMER}, ...)
 */
public record AddressStats(int subscribers, int queued, int retained, long published, long delivered, long dropped,
        Map<String, Long> disconnects) {
}
