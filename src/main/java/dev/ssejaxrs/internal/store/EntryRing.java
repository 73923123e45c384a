package dev.ssejaxrs.internal.store;

import java.util.List;

import dev.ssejaxrs.event.SseEvent;

/**
 * An address's retained events (its history, or a recipient's offline queue), oldest first, in a ring that grows
 * up to its capacity. Entries are appended in id order, so finding where a {@code Last-Event-ID} falls is a binary
 * search. Not thread-safe: guarded by the store's lock.
 */
public final class EntryRing {
    /** One retained event: its position in the registry's order, the event (with its wire id), when it came. */
    public record Entry(EventId position, SseEvent event, long atNanos) {
    }

    private final int capacity;
    private Entry[] ring = new Entry[0];
    private int head;
    private int size;

    public EntryRing(int capacity) {
        this.capacity = capacity;
    }

    public int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    public Entry get(int index) {
        return ring[(head + index) % ring.length];
    }

    Entry oldest() {
        return size == 0 ? null : ring[head];
    }

    /** Appends {@code entry}; when full, removes and returns the oldest entry first, else returns {@code null}. */
    Entry add(Entry entry) {
        Entry removed = null;
        if (size == capacity) {
            removed = removeOldest();
        }
        if (size == ring.length) {
            grow();
        }
        ring[(head + size) % ring.length] = entry;
        size++;
        return removed;
    }

    Entry removeOldest() {
        Entry oldest = ring[head];
        ring[head] = null;
        head = (head + 1) % ring.length;
        size--;
        if (size == 0) {
            ring = new Entry[0]; // an idle address keeps no array
            head = 0;
        }
        return oldest;
    }

    /** The index of the first entry after {@code position} ({@link #size()} when none): a binary search. */
    public int firstAfter(EventId position) {
        int low = 0;
        int high = size;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (get(mid).position().compareTo(position) <= 0) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    /** Adds the entries from {@code index} on to {@code into}. */
    void copyFrom(int index, List<Entry> into) {
        for (int i = index; i < size; i++) {
            into.add(get(i));
        }
    }

    void clear() {
        ring = new Entry[0];
        head = 0;
        size = 0;
    }

    private void grow() {
        int length = (int) Math.min(capacity, Math.max(4L, ring.length * 2L));
        Entry[] bigger = new Entry[length];
        for (int i = 0; i < size; i++) {
            bigger[i] = get(i);
        }
        ring = bigger;
        head = 0;
    }
}
