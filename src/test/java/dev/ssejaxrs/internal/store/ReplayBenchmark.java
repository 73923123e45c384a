package dev.ssejaxrs.internal.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.ssejaxrs.broadcast.AccessPolicy;
import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.Caller;
import dev.ssejaxrs.broadcast.Collected;
import dev.ssejaxrs.broadcast.RegistryOptions;
import dev.ssejaxrs.event.SseEvent;

/**
 * How long a subscriber with a {@code Last-Event-ID} takes to join an address whose history holds 100,000 events:
 * finding the id (a binary search) and copying what follows, against the linear scan the registry used before.
 * Not a test; run it with (see README, "Broadcasting"):
 *
 * <pre>
 * mvn -q test-compile org.codehaus.mojo:exec-maven-plugin:3.5.0:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.ssejaxrs.broadcast.ReplayBenchmark
 * </pre>
 */
public final class ReplayBenchmark {
    private static final int HISTORY = 100_000;

    private ReplayBenchmark() {
    }

    public static void main(String[] args) {
        RegistryOptions options = RegistryOptions.builder().history(HISTORY, Duration.ofHours(1))
                .subscriberQueue(HISTORY).accessPolicy(AccessPolicy.anyone()).build();
        try (MemoryChannelStore store = new MemoryChannelStore(options)) {
            Address topic = Address.topic("bench");
            List<String> ids = new ArrayList<>(HISTORY);
            for (int i = 0; i < HISTORY; i++) {
                ids.add(store.append(topic, SseEvent.of("event " + i)).toCompletableFuture().join().id());
            }
            System.out.printf("history of %,d events on one address%n", HISTORY);
            for (int from : new int[] {HISTORY - 10, HISTORY / 2, 10}) {
                String id = ids.get(from - 1);
                int replayed = HISTORY - from;
                int rounds = Math.max(20, 2_000_000 / (replayed + 100));
                measureJoin(store, topic, id, replayed, rounds / 4); // warm-up
                double micros = measureJoin(store, topic, id, replayed, rounds);
                System.out.printf("join after event %,6d (replays %,6d): %,10.1f us per join%n", from, replayed,
                        micros);
            }
            EntryRing ring = new EntryRing(HISTORY);
            for (String id : ids) {
                ring.add(new EntryRing.Entry(EventId.parse(id), SseEvent.of("x"), 0));
            }
            EventId middle = EventId.parse(ids.get(HISTORY / 2));
            for (int pass = 0; pass < 2; pass++) { // the first pass warms up
                long sink = 0;
                long start = System.nanoTime();
                for (int i = 0; i < 200_000; i++) {
                    sink += ring.firstAfter(middle);
                }
                double binary = (System.nanoTime() - start) / 200_000.0;
                start = System.nanoTime();
                for (int i = 0; i < 200; i++) {
                    sink += linearFirstAfter(ring, middle);
                }
                double linear = (System.nanoTime() - start) / 200.0;
                if (pass == 1) {
                    System.out.printf("finding an id in the middle: binary search %,.0f ns, linear scan %,.0f ns"
                            + " (%,.0fx) [%d]%n", binary, linear, linear / binary, sink % 10);
                }
            }
        }
    }

    private static double measureJoin(MemoryChannelStore store, Address topic, String id, int replayed, int rounds) {
        long start = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            Collected collected = Collected.from(new ConnectionQueue(store, List.of(topic), Caller.anonymous(), id,
                    null, store.options()));
            if (collected.events().size() != replayed) {
                throw new AssertionError(collected.events().size() + " replayed, not " + replayed);
            }
            collected.cancel();
        }
        return (System.nanoTime() - start) / 1000.0 / rounds;
    }

    /** How the registry found an id before: every entry compared, under the address's lock. */
    private static int linearFirstAfter(EntryRing ring, EventId id) {
        int found = -1;
        for (int i = 0; i < ring.size(); i++) {
            if (ring.get(i).position().equals(id)) {
                found = i;
            }
        }
        return found + 1;
    }
}
