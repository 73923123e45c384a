package dev.ssejaxrs.internal.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

import dev.ssejaxrs.broadcast.RegistryStats;

/** The top of a store's addresses for {@link RegistryStats#busiest()}, in one pass with a bounded heap. */
public final class Busiest {
    private Busiest() {
    }

    /** At most {@code n} of {@code all}, busiest first by {@code busier} (its greatest first). */
    public static <T> List<T> of(Iterable<T> all, Comparator<? super T> busier, int n) {
        PriorityQueue<T> top = new PriorityQueue<>(busier);
        for (T t : all) {
            top.add(t);
            if (top.size() > n) {
                top.poll();
            }
        }
        List<T> list = new ArrayList<>(top.size());
        while (!top.isEmpty()) {
            list.add(0, top.poll());
        }
        return list;
    }
}
