package dev.ssejaxrs.internal.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.AddressStats;
import dev.ssejaxrs.internal.store.EntryRing.Entry;

/**
 * One address kept by {@link MemoryChannelStore}: its subscribers here, its replay history, a recipient's offline
 * queue, and its floor (every event of the address after the floor is still retained). Not thread-safe: guarded by
 * the store's lock. Small when idle: rings hold no array while empty.
 */
public final class Channel {
    final Address address;
    final EntryRing history;
    final List<ConnectionQueue> subscribers = new ArrayList<>(0);
    /** The newest position whose event of this address may have been dropped; replay from before it is incomplete. */
    EventId floor;
    /** The newest position published to this address (or its floor). */
    EventId newest;
    EntryRing offline;
    /** Events published with their own ids: wire id to position, so that such an id resumes too. */
    Map<String, EventId> ownIds;
    long published;
    long delivered;
    long dropped;

    Channel(Address address, int historySize, EventId floor) {
        this.address = address;
        this.history = new EntryRing(historySize);
        this.floor = floor;
        this.newest = floor;
    }

    boolean isIdle() {
        return subscribers.isEmpty() && history.isEmpty() && (offline == null || offline.isEmpty());
    }

    int queued() {
        return offline == null ? 0 : offline.size();
    }

    /** Notes that {@code entry} left the history: a replay from before it can no longer be exact. */
    void lost(Entry entry) {
        if (entry.position().isAfter(floor)) {
            floor = entry.position();
        }
        if (ownIds != null) {
            String id = entry.event().id();
            if (entry.position().equals(ownIds.get(id))) {
                ownIds.remove(id);
                if (ownIds.isEmpty()) {
                    ownIds = null;
                }
            }
        }
    }

    /** Records that {@code entry} (now in the history) was published with an id of its own. */
    void ownId(Entry entry) {
        if (ownIds == null) {
            ownIds = new HashMap<>();
        }
        ownIds.put(entry.event().id(), entry.position());
    }

    AddressStats stats() {
        return new AddressStats(address, subscribers.size(), queued(), history.size(), published, delivered, dropped);
    }
}
