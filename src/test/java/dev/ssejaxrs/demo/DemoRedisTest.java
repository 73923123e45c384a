package dev.ssejaxrs.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.ssejaxrs.redis.RedisProcess;
import dev.ssejaxrs.test.RawClient;

/**
 * Two demo processes' servers ({@code --redis}) on one real redis-server, as the README starts them: an event
 * published on one reaches a subscriber of the other, a client moves between them with its id, and while Redis is
 * away publishing answers 503 with a JSON reason.
 */
class DemoRedisTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    @RegisterExtension
    static final RedisProcess redis = RedisProcess.perTestClass();
    private static DemoServer a;
    private static DemoServer b;

    @BeforeAll
    static void start() throws IOException {
        a = DemoServer.start(0, null, redis.uri(), null);
        b = DemoServer.start(0, a.jdbcUrl(), redis.uri(), null); // one database is enough for this test
    }

    @AfterAll
    static void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    private static String post(DemoServer node, String path, String body, int status) {
        try (RawClient client = RawClient.request(node.port(), "POST", path, body, 0,
                "Content-Type: application/x-www-form-urlencoded")) {
            String answer = client.readToEnd(WAIT);
            assertEquals(status, client.status(), path + ": " + answer);
            assertTrue(client.header("Content-Type").startsWith("application/json"), client.head());
            return answer;
        }
    }

    /** The id in a {@code {"id": "..."}} answer. */
    private static String id(String answer) {
        return answer.substring(answer.indexOf(":\"") + 2, answer.lastIndexOf('"'));
    }

    @Test
    void publishOnOneNode_subscriberOnTheOther_andAMovedClientResumes_andRedisAwayIs503() {
        String zero = id(post(a, "/topics/news", "zero", 201));
        // a subscriber on B from that id on: the next events come by replay or live, whichever its join meets
        try (RawClient onB = RawClient.get(b.port(), "/topics/news", "Last-Event-ID: " + zero)) {
            assertEquals(200, onB.status());
            String one = id(post(a, "/topics/news", "one", 201));
            onB.readUntil("data: one\r\n", WAIT);
            assertTrue(onB.body().contains("id: " + one + "\r\n"), "the same id on both nodes: " + onB.body());
            assertTrue(!onB.body().contains("data: zero"), onB.body());
            // it leaves B and comes back to A with the id it got from B; B's publish meanwhile fills the gap
            onB.close();
            post(b, "/topics/news", "two", 201);
            try (RawClient moved = RawClient.get(a.port(), "/topics/news", "Last-Event-ID: " + one)) {
                moved.readUntil("data: two\r\n", WAIT);
                post(b, "/topics/news", "live", 201);
                moved.readUntil("data: live\r\n", WAIT);
                assertTrue(!moved.body().contains("data: one"), "only what came after its id: " + moved.body());
            }
        }
        redis.stop();
        try {
            String refused = post(a, "/topics/news", "during the outage", 503);
            assertTrue(refused.startsWith("{\"error\":\"cannot publish"), refused);
            post(b, "/emit", "{\"event_name\":\"x\",\"recipient_id\":\"r\"}", 503);
            try (RawClient refusedStream = RawClient.get(b.port(), "/topics/news")) {
                refusedStream.readToEnd(WAIT); // a subscription opened meanwhile ends (browsers retry)
                assertTrue(refusedStream.endedCleanly(), refusedStream.head());
            }
        } finally {
            redis.restart();
        }
    }
}
