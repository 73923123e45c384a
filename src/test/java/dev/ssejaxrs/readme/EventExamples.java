package dev.ssejaxrs.readme;

import java.time.Duration;
import java.util.Map;

import dev.ssejaxrs.event.SseEvent;

/** The README's event-building examples (compiled, and run by {@code QuickStartTest}). */
final class EventExamples {
    private EventExamples() {
    }

    static void build() {
        // README: begin events
        SseEvent.builder()
                .event("update")
                .id("5")
                .data("Update 5\nTime: 12:00:05")      // one data: line per line, CRLF, CR and LF alike
                .retry(Duration.ofSeconds(3))
                .build();
        SseEvent.of("hello");                            // data: hello
        SseEvent.json(Map.of("price", 42));              // data: {"price":42}
        SseEvent.comment("just a comment");              // : just a comment
        // README: end events
    }
}
