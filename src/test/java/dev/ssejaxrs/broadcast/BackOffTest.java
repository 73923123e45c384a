package dev.ssejaxrs.broadcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.ssejaxrs.redis.RedisProcess;
import dev.ssejaxrs.test.RawClient;

/**
 * Back-off, not a flood (issue 26, item 4), on a real server and a real Redis that goes away: every subscription
 * the registry cannot serve ends after a {@code retry:} of 5 to 30 s, at random, and 1,000 of them log a bounded
 * number of lines (not one warning with a stack trace each).
 */
class BackOffTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Pattern RETRY = Pattern.compile("retry: (\\d+)\r?\n");
    static final int JOINS = 1_000;

    @Test
    void whileRedisIsAway_streamsEndWithAJitteredRetry_and1000FailedJoinsLogABoundedNumberOfLines() {
        List<LogRecord> records = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                synchronized (records) {
                    records.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        try (RedisProcess redis = RedisProcess.start();
                BroadcastApp.Running app = new BroadcastApp.Running(RegistryOptions.builder()
                        .redis("redis://127.0.0.1:" + redis.port).build())) {
            try (RawClient before = app.server.get("/topics/news")) {
                assertEquals(200, before.status()); // Redis is there: the stream stays open
            }
            redis.stop();
            Logger.getLogger("").addHandler(capture);
            Set<Long> retries = new TreeSet<>();
            for (int i = 0; i < JOINS; i++) {
                try (RawClient refused = app.server.get("/topics/news")) {
                    String body = refused.readToEnd(WAIT);
                    assertTrue(refused.endedCleanly(), "join " + i + " ended: " + refused.head() + body);
                    Matcher retry = RETRY.matcher(body);
                    assertTrue(retry.find(), "join " + i + " told the browser when to come back: " + body);
                    long millis = Long.parseLong(retry.group(1));
                    assertTrue(millis >= 5_000 && millis <= 30_000, "retry " + millis + " ms");
                    retries.add(millis);
                }
            }
            Logger.getLogger("").removeHandler(capture);
            assertTrue(retries.size() > JOINS / 2, "jittered: " + retries.size() + " distinct of " + JOINS);
            List<String> lines = new ArrayList<>();
            synchronized (records) {
                records.forEach(r -> lines.add(r.getLevel() + " " + r.getLoggerName() + ": " + r.getMessage()));
            }
            System.out.println("BackOffTest: " + JOINS + " failed joins logged " + lines.size() + " lines: " + lines);
            assertTrue(lines.size() <= 10, JOINS + " failed joins logged " + lines.size() + " lines: " + lines);
            // once per cause: Lettuce may first say the channel closed, then "not connected"
            List<String> failedJoins = lines.stream().filter(l -> l.contains("the publisher of an event stream failed"))
                    .toList();
            assertEquals(failedJoins.stream().distinct().count(), failedJoins.size(),
                    "each cause of a failed join is logged once in the window: " + lines);
        } finally {
            Logger.getLogger("").removeHandler(capture);
        }
    }
}
