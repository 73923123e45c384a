package dev.ssejaxrs.broadcast;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.ws.rs.core.SecurityContext;

import dev.ssejaxrs.event.SseEvent;

/**
 * One address: its subscribers, its replay history and (for a recipient) its offline queue. Publishing and
 * subscribing take {@link #lock}, so a subscriber joining with a {@code Last-Event-ID} gets the retained events
 * after it and then every live one, with no gap and no duplicate at the hand-off.
 */
final class Channel {
    /** Sent first when a {@code Last-Event-ID} is not in the history: events may have been missed. */
    static final String REPLAY_INCOMPLETE = "replay-incomplete";

    private final Address address;
    private final RegistryOptions options;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Entry> history = new ArrayDeque<>();
    private final ArrayDeque<Entry> offline = new ArrayDeque<>();
    private final Set<Subscriber> subscribers = new LinkedHashSet<>();
    private final Map<String, LongAdder> disconnects = new ConcurrentHashMap<>();
    private long sequence;
    private long published;
    private long delivered;
    private long dropped;

    private record Entry(String id, SseEvent event, long atNanos) {
    }

    Channel(Address address, RegistryOptions options) {
        this.address = address;
        this.options = options;
    }

    Delivery publish(SseEvent event) {
        lock.lock();
        try {
            long now = System.nanoTime();
            sequence++;
            SseEvent stamped = event.id() != null ? event
                    : event.withId(options.idGenerator.nextId(address, sequence));
            Entry entry = new Entry(stamped.id(), stamped, now);
            published++;
            retain(history, entry, options.historySize, options.historyAge.toNanos(), now);
            int deliveredNow = 0;
            int droppedNow = 0;
            int queuedNow = 0;
            if (subscribers.isEmpty() && address.kind() == Address.Kind.RECIPIENT) {
                if (options.offlineQueueSize == 0) {
                    droppedNow++;
                } else {
                    droppedNow += retain(offline, entry, options.offlineQueueSize, options.offlineQueueAge.toNanos(),
                            now);
                    queuedNow = 1;
                }
            }
            for (Subscriber subscriber : List.copyOf(subscribers)) {
                if (!options.accessPolicy.mayReceive(address, stamped, subscriber.caller())) {
                    continue;
                }
                switch (subscriber.offer(stamped)) {
                    case DELIVERED -> deliveredNow++;
                    case DELIVERED_DROPPING_ONE -> {
                        deliveredNow++;
                        droppedNow++;
                    }
                    case DISCONNECTED -> droppedNow++;
                    default -> { }
                }
            }
            delivered += deliveredNow;
            dropped += droppedNow;
            return new Delivery(stamped.id(), deliveredNow, queuedNow, droppedNow);
        } finally {
            lock.unlock();
        }
    }

    /** Registers a subscriber whose queue starts with {@code greeting}, then the replay or the offline queue. */
    Subscriber subscribe(String lastEventId, SecurityContext caller, SseEvent greeting) {
        lock.lock();
        try {
            long now = System.nanoTime();
            expire(history, options.historyAge.toNanos(), now);
            dropped += expire(offline, options.offlineQueueAge.toNanos(), now);
            List<SseEvent> first = new ArrayList<>();
            if (greeting != null) {
                first.add(greeting);
            }
            List<Entry> backlog = new ArrayList<>();
            if (lastEventId != null) {
                int found = indexOf(lastEventId);
                if (found < 0 && sequence > 0) {
                    first.add(SseEvent.builder().event(REPLAY_INCOMPLETE).data(lastEventId).build());
                }
                int i = 0;
                for (Entry entry : history) {
                    if (i++ > found) {
                        backlog.add(entry);
                    }
                }
                offline.clear(); // a replay includes whatever waited
            } else if (address.kind() == Address.Kind.RECIPIENT) {
                backlog.addAll(offline);
                offline.clear();
            }
            for (Entry entry : backlog) {
                if (options.accessPolicy.mayReceive(address, entry.event(), caller)) {
                    first.add(entry.event());
                }
            }
            Subscriber subscriber = new Subscriber(this, caller, options, first);
            subscribers.add(subscriber);
            return subscriber;
        } finally {
            lock.unlock();
        }
    }

    /** Ends every current subscriber's stream; returns how many. */
    int disconnectAll() {
        List<Subscriber> current;
        lock.lock();
        try {
            current = List.copyOf(subscribers);
        } finally {
            lock.unlock();
        }
        current.forEach(Subscriber::end);
        return current.size();
    }

    void remove(Subscriber subscriber) {
        lock.lock();
        try {
            subscribers.remove(subscriber);
        } finally {
            lock.unlock();
        }
    }

    /** Counts an ended subscriber stream. */
    void ended(Subscriber subscriber, String reason) {
        remove(subscriber);
        disconnects.computeIfAbsent(subscriber.endedAsSlow() ? "SLOW_CONSUMER" : reason, r -> new LongAdder())
                .increment();
    }

    AddressStats stats() {
        lock.lock();
        try {
            Map<String, Long> byReason = new TreeMap<>();
            disconnects.forEach((reason, count) -> byReason.put(reason, count.sum()));
            return new AddressStats(subscribers.size(), offline.size(), history.size(), published, delivered, dropped,
                    Map.copyOf(byReason));
        } finally {
            lock.unlock();
        }
    }

    private int indexOf(String id) {
        int i = 0;
        int found = -1;
        for (Entry entry : history) {
            if (entry.id().equals(id)) {
                found = i; // the newest match wins if a user reused an id
            }
            i++;
        }
        return found;
    }

    /** Adds {@code entry}, evicting by age and count; returns how many were evicted. */
    private static int retain(ArrayDeque<Entry> entries, Entry entry, int size, long ageNanos, long now) {
        if (size == 0) {
            return 0;
        }
        int evicted = expire(entries, ageNanos, now);
        entries.addLast(entry);
        while (entries.size() > size) {
            entries.removeFirst();
            evicted++;
        }
        return evicted;
    }

    private static int expire(ArrayDeque<Entry> entries, long ageNanos, long now) {
        int evicted = 0;
        for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
            if (now - it.next().atNanos() > ageNanos) {
                it.remove();
                evicted++;
            } else {
                break;
            }
        }
        return evicted;
    }
}
