package dev.ssejaxrs.internal.redis;

import static dev.ssejaxrs.internal.redis.RedisEventLogTest.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.redis.RedisOptions;
import dev.ssejaxrs.redis.RedisProcess;
import dev.ssejaxrs.redis.RedisUnavailableException;

/** Redis options: checks that name the field, a password that reaches Redis and never a log line. */
class RedisOptionsTest {

    @Test
    void badValues_areRefusedWithTheirName() {
        assertMessage("redis uri must start with redis:// or rediss://: http://x", () -> RedisOptions.builder("http://x"));
        assertMessage("redis uri must start with redis:// or rediss://: localhost:6379",
                () -> RedisOptions.builder("localhost:6379"));
        assertMessage("keyPrefix must be 1 to 64 letters, digits or . _ : - (no braces): a{b}",
                () -> RedisOptions.builder("redis://h").keyPrefix("a{b}"));
        assertMessage("history size must be at least 1 (the stream also carries live events to other nodes): 0",
                () -> RedisOptions.builder("redis://h").history(0, Duration.ofHours(1)));
        assertMessage("offline queue age must be positive: PT0S",
                () -> RedisOptions.builder("redis://h").offlineQueue(10, Duration.ZERO));
        assertMessage("readerConnections must be 1 to 16: 0", () -> RedisOptions.builder("redis://h").readerConnections(0));
        assertMessage("readBlock must be at least 100 ms: PT0.01S",
                () -> RedisOptions.builder("redis://h").readBlock(Duration.ofMillis(10)));
        assertMessage("nodeId must be 1 to 64 letters, digits or . _ -: a b",
                () -> RedisOptions.builder("redis://h").nodeId("a b"));
    }

    @Test
    void thePassword_isNeverShown() {
        RedisOptions options = RedisOptions.builder("rediss://app:s3cret@redis.example:6380/2").nodeId("n1").build();
        assertEquals("rediss://app:***@redis.example:6380/2", options.redactedUri());
        assertEquals("RedisOptions[rediss://app:***@redis.example:6380/2, keyPrefix=sse, node=n1]", options.toString());
        assertEquals("redis://:***@h", RedisOptions.builder("redis://:pw@h").build().redactedUri());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RedisOptions.builder("ftp://:s3cret@h"));
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    }

    @Test
    void aUriLettuceCannotRead_isRefusedAtStart_withoutThePassword() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisEventLog.start(
                RedisOptions.builder("redis://:s3cret@h:99999").build(), new RedisEventLogTest.Collector()));
        assertEquals("redis uri is not valid (host, port, database or options): redis://:***@h:99999",
                e.getMessage());
    }

    @Test
    void aPasswordInTheUri_reachesRedis_andAWrongOneFailsAtStartWithoutShowingIt() {
        try (RedisProcess redis = RedisProcess.start("requirepass s3cret")) {
            String uri = "redis://:s3cret@127.0.0.1:" + redis.port;
            try (RedisEventLog log = RedisEventLog.start(RedisOptions.builder(uri).build(),
                    new RedisEventLogTest.Collector())) {
                String id = join(log.append(Address.topic("a"), SseEvent.of("x"))).id();
                assertEquals(List.of(id), RedisEventLogTest.ids(join(log.replay(Address.topic("a"), "0-1", 10)).entries()));
            }
            RedisUnavailableException e = assertThrows(RedisUnavailableException.class, () -> RedisEventLog.start(
                    RedisOptions.builder("redis://:wrong@127.0.0.1:" + redis.port).build(),
                    new RedisEventLogTest.Collector()));
            assertTrue(e.getMessage().contains("redis://:***@127.0.0.1:" + redis.port), e.getMessage());
            // Redis answers WRONGPASS; now and then Lettuce sees the connection close first and says so instead
            assertTrue(e.getMessage().contains("WRONGPASS") || e.getMessage().contains("invalid password")
                    || e.getMessage().contains("closed"), e.getMessage());
            assertFalse(e.getMessage().contains("wrong@"), e.getMessage());
        }
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable executable) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, executable).getMessage());
    }
}
