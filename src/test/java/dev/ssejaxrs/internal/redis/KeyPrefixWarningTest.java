package dev.ssejaxrs.internal.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.ssejaxrs.redis.RedisOptions;
import dev.ssejaxrs.redis.RedisProcess;
import dev.ssejaxrs.test.LoggedWarnings;

/** Two applications on one Redis with the default key prefix would share recipients: the registry says so at start. */
class KeyPrefixWarningTest {
    @RegisterExtension
    static final RedisProcess redis = RedisProcess.perTestClass();

    private static List<String> warningsAtStart(RedisOptions options) {
        return LoggedWarnings.during(RedisEventLog.class.getName(), () -> {
            try (RedisEventLog log = RedisEventLog.start(options, new RedisEventLogTest.Collector())) {
                log.nodeId();
            }
        });
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
