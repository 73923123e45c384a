package dev.ssejaxrs.broadcast;

import java.util.List;
import java.util.Map;

/**
 * Counts of a whole registry at one moment, small whatever the number of addresses: totals, plus the busiest
 * addresses (most subscribers, then most published).
 *
 * <pre>{@code
 * RegistryStats stats = registry.stats();
 * log.info(stats.addresses() + " addresses, " + stats.subscribers() + " subscribers");
 * }</pre>
 *
 * @param addresses addresses kept now
 * @param evicted addresses evicted so far because there were more than {@code maxAddresses} topics or
 *     {@code maxRecipients} recipients
 * @param subscribers open subscriber connections now (a stream of several addresses counts once)
 * @param queued events waiting for offline recipients now
 * @param retained events in replay histories now
 * @param published events published since the registry was made
 * @param delivered events handed to subscriber queues (one per subscriber)
 * @param dropped events dropped by slow-consumer policies, evicted or expired from offline queues unread, or not
 *     handed to a subscriber whose access policy or key function threw
 * @param disconnects ended subscriber streams by reason ({@code CLIENT_GONE}, {@code SEND_TIMEOUT},
 *     {@code SLOW_CONSUMER}, ...)
 * @param busiest at most {@link EventRegistry#BUSIEST} addresses, busiest first
 */
public record RegistryStats(int addresses, long evicted, int subscribers, long queued, long retained,
        long published, long delivered, long dropped, Map<String, Long> disconnects, List<AddressStats> busiest) {
}
