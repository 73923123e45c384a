package dev.ssejaxrs.internal.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.ssejaxrs.redis.RedisOptions;
import dev.ssejaxrs.redis.RedisProcess;

/** Two applications on one Redis with the default key prefix would share recipients: the registry says so at start. */
class KeyPrefixWarningTest {
    @RegisterExtension
    static final RedisProcess redis = RedisProcess.perTestClass();

    private static List<String> warningsAtStart(RedisOptions options) {
        List<String> warnings = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()
                        && record.getLoggerName().equals(RedisEventLog.class.getName())) {
                    synchronized (warnings) {
                        warnings.add(record.getMessage());
                    }
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger.getLogger("").addHandler(capture);
        try (RedisEventLog log = RedisEventLog.start(options, new RedisEventLogTest.Collector())) {
            synchronized (warnings) {
                return List.copyOf(warnings);
            }
        } finally {
            Logger.getLogger("").removeHandler(capture);
        }
    }

    @Test
    void theDefaultPrefix_isWarnedAbout_once_andAnOwnPrefixIsNot() {
        String uri = "redis://127.0.0.1:" + redis.port;
        assertEquals(List.of("the Redis key prefix is the default \"sse\": every application on " + uri
                + " with the default shares its topics and recipients; give each its own with"
                + " RedisOptions.builder(uri).keyPrefix(\"app-name\")"),
                warningsAtStart(RedisOptions.builder(uri).build()));
        assertEquals(List.of(), warningsAtStart(RedisOptions.builder(uri).keyPrefix("shop").build()));
    }
}
