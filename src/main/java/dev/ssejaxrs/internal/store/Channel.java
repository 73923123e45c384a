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
    /**
     * The newest event that left a recipient's offline queue unread (its cap, its age, the address's eviction), or
     * {@code null}: the recipient's next connect starts with {@code replay-incomplete}. (An idle channel goes
     * anyway; the store then remembers the loss apart.)
     */
    EventId queueLost;
    /**
     * Events published with their own ids, so that such an id resumes too: wire id to its earliest occurrence (an
     * application may repeat an id; resuming from the earliest may repeat events, never skip one).
     */
    Map<String, OwnId> ownIds;
    long published;
    long delivered;
    long dropped;

    Channel(Address address, int historySize, long historyBytes, EventId floor) {
        this.address = address;
        this.history = new EntryRing(historySize, historyBytes);
        this.floor = floor;
        this.newest = floor;
    }

    boolean isIdle() {
        return subscribers.isEmpty() && history.isEmpty() && (offline == null || offline.isEmpty());
    }

    int queued() {
        return offline == null ? 0 : offline.size();
    }

    /** Notes that {@code entry} (the oldest) left the history: a replay from before it can no longer be exact. */
    void lost(Entry entry) {
        if (entry.position().isAfter(floor)) {
            floor = entry.position();
        }
        if (ownIds != null) {
            String id = entry.event().id();
            OwnId own = ownIds.get(id);
            if (own != null && entry.position().equals(own.earliest)) {
                own.earliest = null; // a later occurrence would skip what followed this one: no exact resume
            }
            if (own != null && own.earliest == null && --own.retained == 0) {
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
        OwnId own = ownIds.get(entry.event().id());
        if (own == null) {
            ownIds.put(entry.event().id(), new OwnId(entry.position()));
        } else {
            own.retained++; // a repeat: the id keeps resuming from its earliest occurrence
        }
    }

    /**
     * The earliest occurrence of an own id, or {@code null} once it left the history while later ones are retained
     * (then a resume from the id is incomplete), and how many occurrences are retained.
     */
    static final class OwnId {
        EventId earliest;
        int retained = 1;

        OwnId(EventId earliest) {
            this.earliest = earliest;
        }
    }

    AddressStats stats() {
        return new AddressStats(address, subscribers.size(), queued(), history.size(), published, delivered, dropped);
    }
}
