package dev.ssejaxrs.internal.store;

import java.util.List;
import java.util.function.Consumer;

import dev.ssejaxrs.event.SseEvent;

/**
 * An address's retained events (its history, or a recipient's offline queue), oldest first, in a ring that grows
 * up to its capacity, bounded in bytes too (the newest entry is always kept, whatever its size). Entries are
 * appended in id order, so finding where a {@code Last-Event-ID} falls is a binary search. Not thread-safe: guarded
 * by the store's lock.
 */
public final class EntryRing {
    /** One retained event: its position in the registry's order, the event (with its wire id), when it came. */
    public record Entry(EventId position, SseEvent event, long atNanos) {
    }

    private final int capacity;
    private final long maxBytes;
    private Entry[] ring = new Entry[0];
    /** The size in bytes of each entry, at the same index as in {@link #ring}. */
    private int[] sizes = new int[0];
    private int head;
    private int size;
    private long bytes;

    /** A ring bounded by count only. */
    public EntryRing(int capacity) {
        this(capacity, Long.MAX_VALUE);
    }

    /** A ring of at most {@code capacity} entries and {@code maxBytes} bytes of them. */
    public EntryRing(int capacity, long maxBytes) {
        this.capacity = capacity;
        this.maxBytes = maxBytes;
    }

    /** The bytes of the entries held now. */
    long bytes() {
        return bytes;
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

    /**
     * Appends {@code entry} (counted as 0 bytes); when full, removes and returns the oldest entry first, else returns
     * {@code null}.
     */
    Entry add(Entry entry) {
        Entry[] removed = new Entry[1];
        add(entry, 0, out -> removed[0] = out);
        return removed[0];
    }

    /**
     * Appends {@code entry} of {@code entryBytes} bytes, first removing the oldest entries, each handed to
     * {@code removed}, while the ring is full or the bytes would go past its bound (an entry larger than the bound
     * stays alone).
     */
    void add(Entry entry, int entryBytes, Consumer<Entry> removed) {
        while (size > 0 && (size == capacity || bytes + entryBytes > maxBytes)) {
            removed.accept(removeOldest());
        }
        if (size == ring.length) {
            grow();
        }
        int at = (head + size) % ring.length;
        ring[at] = entry;
        sizes[at] = entryBytes;
        bytes += entryBytes;
        size++;
    }

    Entry removeOldest() {
        Entry oldest = ring[head];
        ring[head] = null;
        bytes -= sizes[head];
        head = (head + 1) % ring.length;
        size--;
        if (size == 0) {
            clear(); // an idle address keeps no array
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
        sizes = new int[0];
        head = 0;
        size = 0;
        bytes = 0;
    }

    private void grow() {
        int length = (int) Math.min(capacity, Math.max(4L, ring.length * 2L));
        Entry[] bigger = new Entry[length];
        int[] biggerSizes = new int[length];
        for (int i = 0; i < size; i++) {
            int at = (head + i) % ring.length;
            bigger[i] = ring[at];
            biggerSizes[i] = sizes[at];
        }
        ring = bigger;
        sizes = biggerSizes;
        head = 0;
    }
}
