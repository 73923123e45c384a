package dev.ssejaxrs.internal.redis;

import java.util.concurrent.atomic.AtomicReference;

import dev.ssejaxrs.internal.store.EventId;

/**
 * What one node knows of the registry's stream epoch: the newest id it has seen (a publish's reply, an entry its
 * readers handed over). Ids keep their {@code <millis>-<sequence>} form; an epoch is the range of ids one data set
 * gave out, from the clock's {@code origin} to its {@code last} ({@link Scripts}). When Redis lost keys (a failover
 * that lost writes, a restart without persistence, {@code FLUSHALL}), its {@code last} is older than what a node has
 * seen: the node's next heartbeat or publish sends the newest id it saw, and the script begins a new epoch whose
 * origin is after it. A {@code Last-Event-ID} before the origin, or after {@code last}, then gets
 * {@code replay-incomplete} instead of matching an id of the new data set.
 *
 * <p>Thread-safe: {@link #saw} is called from reader threads and Lettuce's I/O threads.
 */
final class StreamEpoch {
    private static final System.Logger LOG = System.getLogger(StreamEpoch.class.getName());

    private final AtomicReference<EventId> newest = new AtomicReference<>();

    /** Records an id this node saw in Redis. */
    void saw(EventId id) {
        newest.accumulateAndGet(id, (a, b) -> a == null || b.isAfter(a) ? b : a);
    }

    /** Records an id this node saw in Redis (a stream id; anything else is ignored). */
    void saw(String id) {
        EventId parsed = EventId.parse(id);
        if (parsed != null) {
            saw(parsed);
        }
    }

    /** The argument the scripts check the epoch with: the newest id seen, or {@code ""}. */
    String argument() {
        EventId id = newest.get();
        return id == null ? "" : id.toString();
    }

    /** Logs the beginning of a new epoch (the script's answer was 1). */
    void began(long began, String redis) {
        if (began == 1) {
            LOG.log(System.Logger.Level.WARNING, () -> "Redis " + redis + " no longer has events this node saw (up to "
                    + argument() + "): a failover lost writes, or its data was flushed; a new stream epoch begins,"
                    + " and clients resuming from an older id get replay-incomplete");
        }
    }
}
