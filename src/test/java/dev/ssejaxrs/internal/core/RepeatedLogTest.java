package dev.ssejaxrs.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** One line per cause and window, then the count of what was not logged. */
class RepeatedLogTest {
    private final List<String> lines = new ArrayList<>();
    private final AtomicLong now = new AtomicLong();
    private final System.Logger sink = new System.Logger() {
        @Override
        public String getName() {
            return "test";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            lines.add(level + " " + msg + (thrown == null ? "" : " / " + thrown.getMessage()));
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            lines.add(level + " " + format);
        }
    };
    private final RepeatedLog log = new RepeatedLog(sink, Duration.ofSeconds(60), now::get);

    @Test
    void firstOccurrenceAtOnce_repeatsCounted_nextWindowSaysHowMany() {
        for (int i = 0; i < 1000; i++) {
            log.log(Level.WARNING, "redis", () -> "cannot join", new IllegalStateException("away"));
            now.addAndGet(Duration.ofMillis(10).toNanos()); // 1,000 in 10 s
        }
        log.log(Level.INFO, "send-timeout", () -> "timed out", null); // another cause: its own line
        assertEquals(List.of("WARNING cannot join / away", "INFO timed out"), lines);
        now.addAndGet(Duration.ofSeconds(60).toNanos());
        log.log(Level.WARNING, "redis", () -> "cannot join", null);
        assertEquals("WARNING cannot join (and 999 more like it in the last 60 s)", lines.get(2));
        log.log(Level.WARNING, "redis", () -> "cannot join", null);
        assertEquals(3, lines.size(), "a new window began with that line");
    }

    @Test
    void distinctCausesBeyondTheLimit_shareOneEntry() {
        for (int i = 0; i < 10_000; i++) {
            log.log(Level.WARNING, "cause " + i, () -> "failed", null);
        }
        assertEquals(RepeatedLog.MAX_CAUSES + 1, lines.size(), "256 causes, then one line for all the others");
    }
}
