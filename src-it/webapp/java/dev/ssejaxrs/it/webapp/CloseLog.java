package dev.ssejaxrs.it.webapp;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.ssejaxrs.stream.CloseReason;
import dev.ssejaxrs.stream.SseRuntime;

/** How the streams of one application ended, counted per reason; {@code /stats} shows it. Thread-safe. */
final class CloseLog {
    private static final Map<SseRuntime, CloseLog> BY_APPLICATION = Collections.synchronizedMap(new WeakHashMap<>());

    private final Map<CloseReason, AtomicInteger> counts = new EnumMap<>(CloseReason.class);

    private CloseLog() {
        for (CloseReason reason : CloseReason.values()) {
            counts.put(reason, new AtomicInteger());
        }
    }

    static CloseLog of(SseRuntime runtime) {
        return BY_APPLICATION.computeIfAbsent(runtime, r -> new CloseLog());
    }

    void record(CloseReason reason) {
        counts.get(reason).incrementAndGet();
    }

    /** {@code "COMPLETED":1,"CLIENT_GONE":0,...} */
    String asJsonMembers() {
        StringBuilder json = new StringBuilder();
        counts.forEach((reason, count) -> json.append(json.length() == 0 ? "" : ",")
                .append('"').append(reason).append("\":").append(count.get()));
        return json.toString();
    }
}
