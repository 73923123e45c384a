package dev.ssejaxrs.broadcast;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

import dev.ssejaxrs.internal.store.ChannelStore;
import dev.ssejaxrs.testing.ReceivedEvent;

/**
 * Delivery accounting for fault tests, as Jepsen checks a history: publishers record every event the registry
 * acknowledged, subscribers record what they received, and {@link #verify()} checks that each subscriber got every
 * acknowledged event after its start exactly once and in order, or a loss event that covers the ones it missed.
 *
 * <p>Events are identified by a key taken from what a client receives: by default the event's id
 * ({@link #byId()}); {@link #byData()} when ids may repeat (application ids). Acknowledged keys are entitled in the
 * order they were {@linkplain #acknowledged recorded}, so record them in publish order (one publishing thread, or
 * the publish and its record under one lock).
 *
 * <p>A loss event ({@code replay-incomplete}, or a sibling named in {@link #lossEvents}) covers the acknowledged
 * events missing between the last delivered event before it and the first delivered event after it (or the end).
 * A missing event not covered by a loss event is a silent gap: a failure. Received events whose key was never
 * acknowledged (a greeting, an event whose publish failed) are counted, not judged.
 *
 * <p>Thread-safe: every method locks this checker.
 */
final class DeliveryChecker {
    /** The loss events a subscriber may receive instead of events it missed. */
    static final Set<String> LOSS_EVENTS = Set.of(ChannelStore.REPLAY_INCOMPLETE, ChannelStore.EVENTS_LOST);

    private final Function<ReceivedEvent, String> key;
    private final Set<String> lossEvents;
    /** Every acknowledged key, in order, with its address ({@code null}: the one address of the test). */
    private final List<Ack> acknowledged = new ArrayList<>();
    private final Map<String, Integer> positions = new HashMap<>();
    private final Map<String, Subscriber> subscribers = new LinkedHashMap<>();

    private DeliveryChecker(Function<ReceivedEvent, String> key, Set<String> lossEvents) {
        this.key = key;
        this.lossEvents = lossEvents;
    }

    /** A checker that identifies events by their id. */
    static DeliveryChecker byId() {
        return new DeliveryChecker(ReceivedEvent::lastEventId, LOSS_EVENTS);
    }

    /** A checker that identifies events by their data (each published event's data must be unique). */
    static DeliveryChecker byData() {
        return new DeliveryChecker(ReceivedEvent::data, LOSS_EVENTS);
    }

    /** The names of the events this checker takes as loss events. */
    Set<String> lossEvents() {
        return lossEvents;
    }

    /** Records that the registry acknowledged (its publish completed) the event with {@code key}. */
    synchronized void acknowledged(String key) {
        acknowledged(null, key);
    }

    /**
     * Records that the registry acknowledged the event with {@code key} published to {@code address}: only the
     * subscribers {@linkplain #on of that address} are entitled to it.
     */
    synchronized void acknowledged(Address address, String key) {
        Objects.requireNonNull(key, "key");
        if (positions.putIfAbsent(key, acknowledged.size()) != null) {
            throw new IllegalArgumentException("key acknowledged twice (keys must be unique): " + key);
        }
        acknowledged.add(new Ack(address, key));
    }

    /** A subscriber entitled to every event acknowledged from now on. */
    synchronized Subscriber startsNow(String name) {
        return start(name, acknowledged.size(), null);
    }

    /** A subscriber entitled to every event acknowledged so far and later (a recipient whose queue waits). */
    synchronized Subscriber startsFromTheBeginning(String name) {
        return start(name, 0, null);
    }

    /** A subscriber that resumes after the acknowledged event {@code key}: entitled to every later one. */
    synchronized Subscriber resumesAfter(String name, String key) {
        Integer position = positions.get(key);
        if (position == null) {
            throw new IllegalArgumentException("not an acknowledged key: " + key);
        }
        return start(name, position + 1, null);
    }

    /** A subscriber of {@code addresses} only, entitled to all their events (a recipient whose queue waits). */
    synchronized Subscriber fromTheBeginningOn(String name, Set<Address> addresses) {
        return start(name, 0, Set.copyOf(addresses));
    }

    /** A subscriber of {@code addresses} only, entitled to their events acknowledged from now on. */
    synchronized Subscriber on(String name, Set<Address> addresses) {
        return start(name, acknowledged.size(), Set.copyOf(addresses));
    }

    private Subscriber start(String name, int from, Set<Address> addresses) {
        Subscriber subscriber = new Subscriber(name, from, addresses);
        if (subscribers.putIfAbsent(name, subscriber) != null) {
            throw new IllegalArgumentException("subscriber name used twice: " + name);
        }
        return subscriber;
    }

    /** Whether every subscriber has received (or been told it lost) everything acknowledged so far. */
    synchronized boolean caughtUp() {
        return subscribers.values().stream().allMatch(s -> s.account().caughtUp());
    }

    /**
     * Checks every subscriber's sequence.
     *
     * @throws AssertionError naming each subscriber with a silent gap, a duplicate or an event out of order, with
     *     the accounting of every subscriber
     */
    synchronized void verify() {
        if (subscribers.isEmpty()) {
            throw new AssertionError("no subscriber to check: the test recorded none");
        }
        StringBuilder failures = new StringBuilder();
        StringBuilder accounting = new StringBuilder();
        for (Subscriber subscriber : subscribers.values()) {
            Account account = subscriber.account();
            accounting.append("\n  ").append(account);
            if (!account.ok()) {
                failures.append(failures.length() == 0 ? "" : ", ").append(subscriber.name);
            }
        }
        if (failures.length() > 0) {
            throw new AssertionError("delivery broken for " + failures + " (" + acknowledged.size()
                    + " events acknowledged in all):" + accounting);
        }
    }

    /**
     * The accounting of every subscriber, one line each ("name: acknowledged n, delivered n, ... signalled n by n
     * loss event(s) ..."), for a report or a failure message.
     */
    synchronized String accounting() {
        StringBuilder accounting = new StringBuilder();
        for (Subscriber subscriber : subscribers.values()) {
            accounting.append(accounting.length() == 0 ? "" : "\n").append(subscriber.account());
        }
        return accounting.toString();
    }

    /** How many acknowledged events the subscribers were told they lost (by a loss event), all together. */
    synchronized int signalled() {
        return subscribers.values().stream().mapToInt(s -> s.account().signalled().size()).sum();
    }

    /** One subscriber's received sequence. */
    final class Subscriber {
        private final String name;
        private final int from;
        /** The addresses it follows, or {@code null}: every one. */
        private final Set<Address> addresses;
        private final List<ReceivedEvent> received = new ArrayList<>();

        private Subscriber(String name, int from, Set<Address> addresses) {
            this.name = name;
            this.from = from;
            this.addresses = addresses;
        }

        private boolean follows(Ack ack) {
            return addresses == null || addresses.contains(ack.address());
        }

        /** Records one received event, in the order the client received them. */
        void received(ReceivedEvent event) {
            synchronized (DeliveryChecker.this) {
                received.add(Objects.requireNonNull(event, "event"));
            }
        }

        /** Records several received events, in order. */
        void received(List<ReceivedEvent> events) {
            events.forEach(this::received);
        }

        /**
         * Records what {@code stream} delivers, in order, up to the event whose key is {@code lastKey}.
         *
         * @throws AssertionError when it does not arrive within {@code timeout} or the stream ends first, with the
         *     accounting of every subscriber of this checker
         */
        void receiveUntil(dev.ssejaxrs.testing.OpenEventStream stream, String lastKey, java.time.Duration timeout) {
            try {
                stream.awaitEvent(event -> {
                    received(event);
                    return lastKey.equals(key.apply(event));
                }, timeout);
            } catch (AssertionError e) {
                throw new AssertionError(name + " did not receive " + lastKey + ": " + e.getMessage()
                        + "\naccounting:\n" + accounting(), e);
            }
        }

        /** Whether it has received (or been told it lost) everything acknowledged so far. */
        boolean caughtUp() {
            synchronized (DeliveryChecker.this) {
                return account().caughtUp();
            }
        }

        private Account account() {
            // the acknowledged events of its addresses: their keys and positions in that order
            List<String> entitledKeys = new ArrayList<>();
            Map<String, Integer> own = new HashMap<>();
            int start = 0;
            for (int i = 0; i < acknowledged.size(); i++) {
                Ack ack = acknowledged.get(i);
                if (follows(ack)) {
                    if (i < from) {
                        start++;
                    }
                    own.put(ack.key(), entitledKeys.size());
                    entitledKeys.add(ack.key());
                }
            }
            int entitled = entitledKeys.size() - start;
            int next = start; // the position of the next acknowledged event this subscriber should receive
            boolean lossSeen = false;
            int delivered = 0;
            int unacknowledged = 0;
            int lossEventCount = 0;
            List<String> missing = new ArrayList<>();
            List<String> signalled = new ArrayList<>();
            List<String> duplicated = new ArrayList<>();
            List<String> outOfOrder = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (ReceivedEvent event : received) {
                if (lossEvents.contains(event.type())) {
                    lossSeen = true;
                    lossEventCount++;
                    continue;
                }
                String k = key.apply(event);
                Integer position = k == null ? null : own.get(k);
                if (position == null) {
                    unacknowledged++;
                    continue;
                }
                if (!seen.add(k)) {
                    duplicated.add(k);
                    continue;
                }
                if (position < start) {
                    continue; // before its start: allowed (a replay may begin earlier), not counted
                }
                if (position < next) {
                    outOfOrder.add(k);
                    delivered++;
                    continue;
                }
                for (int gap = next; gap < position; gap++) {
                    (lossSeen ? signalled : missing).add(entitledKeys.get(gap));
                }
                delivered++;
                next = position + 1;
                lossSeen = false;
            }
            int pending = 0;
            for (int rest = next; rest < entitledKeys.size(); rest++) {
                if (lossSeen) {
                    signalled.add(entitledKeys.get(rest));
                } else {
                    pending++;
                    missing.add(entitledKeys.get(rest));
                }
            }
            return new Account(name, entitled, delivered, missing, duplicated, outOfOrder, signalled,
                    lossEventCount, unacknowledged, pending);
        }
    }

    private record Ack(Address address, String key) {
    }

    /** What one subscriber got of what it was entitled to. */
    private record Account(String name, int entitled, int delivered, List<String> missing, List<String> duplicated,
            List<String> outOfOrder, List<String> signalled, int lossEvents, int unacknowledged, int trailing) {
        boolean ok() {
            return missing.isEmpty() && duplicated.isEmpty() && outOfOrder.isEmpty();
        }

        /** Nothing missing except, possibly, events not yet arrived at the end. */
        boolean caughtUp() {
            return trailing == 0;
        }

        @Override
        public String toString() {
            return name + ": acknowledged " + entitled + ", delivered " + delivered + ", missing " + missing.size()
                    + few(missing) + ", duplicated " + duplicated.size() + few(duplicated) + ", out of order "
                    + outOfOrder.size() + few(outOfOrder) + ", signalled " + signalled.size() + " by " + lossEvents
                    + " loss event(s), unacknowledged " + unacknowledged;
        }

        private static String few(List<String> keys) {
            return keys.isEmpty() ? "" : " " + (keys.size() <= 10 ? keys : keys.subList(0, 10) + "...");
        }
    }
}
