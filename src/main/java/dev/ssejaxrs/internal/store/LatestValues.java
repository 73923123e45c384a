package dev.ssejaxrs.internal.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import dev.ssejaxrs.event.SseEvent;

/** What a subscriber in latest-value mode gets first, picked the same way by every store. */
public final class LatestValues {
    private LatestValues() {
    }

    /**
     * The newest event of each key among {@code newestFirst} ({@code null} is a key too; {@code key} itself
     * {@code null}: the newest event only), in id order.
     */
    public static List<SseEvent> newestPerKey(List<SseEvent> newestFirst, Function<SseEvent, String> key) {
        if (key == null) {
            return newestFirst.isEmpty() ? List.of() : List.of(newestFirst.get(0));
        }
        Set<String> seen = new HashSet<>();
        List<SseEvent> picked = new ArrayList<>();
        for (SseEvent event : newestFirst) {
            String k = key.apply(event);
            if (seen.add(k)) {
                picked.add(event);
            }
        }
        Collections.reverse(picked);
        return picked;
    }
}
