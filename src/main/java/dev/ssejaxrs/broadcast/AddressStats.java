package dev.ssejaxrs.broadcast;

/**
 * Counts of one address at one moment. Counts start again when an address is evicted or, idle and empty, removed.
 *
 * @param address the address
 * @param subscribers open subscriber connections now
 * @param queued events waiting for an offline recipient now
 * @param retained events in the replay history now
 * @param published events published to it while it was kept
 * @param delivered events handed to subscriber queues (one per subscriber)
 * @param dropped events dropped: by the slow-consumer policy, or evicted from an offline queue unread
 */
public record AddressStats(Address address, int subscribers, int queued, int retained, long published,
        long delivered, long dropped) {
}
