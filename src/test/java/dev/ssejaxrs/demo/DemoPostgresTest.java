package dev.ssejaxrs.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.test.RawClient;

/**
 * Two demo processes' servers with {@code --store postgres} on one PostgreSQL (the first one's embedded database):
 * topics and ids shared through the database, and the todos published in the transaction that inserts them, by the
 * demo or by anyone else (a plain JDBC insert, as {@code psql} would do it).
 */
class DemoPostgresTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static DemoServer a;
    private static DemoServer b;

    @BeforeAll
    static void start() throws IOException {
        a = DemoServer.startOnPostgres(0, null, null);
        b = DemoServer.startOnPostgres(0, a.jdbcUrl(), null);
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
                "Content-Type: application/json")) {
            String answer = client.readToEnd(WAIT);
            assertEquals(status, client.status(), path + ": " + answer);
            return answer;
        }
    }

    @Test
    void publishOnOneNode_aSubscriberOfTheOtherGetsIt_andResumesThereWithItsId() {
        String answer = post(a, "/topics/news", "zero", 201);
        String zero = answer.substring(answer.indexOf(":\"") + 2, answer.lastIndexOf('"'));
        try (RawClient onB = RawClient.get(b.port(), "/topics/news", "Last-Event-ID: " + zero)) {
            assertEquals(200, onB.status());
            post(a, "/topics/news", "one", 201);
            onB.readUntil("data: one\r\n", WAIT);
            assertFalse(onB.body().contains("data: zero"), "only what came after its id: " + onB.body());
        }
    }

    @Test
    void todosInsertedByTheDemoOrByAnotherClient_reachTheStreamsOfBothNodes_once() throws Exception {
        try (RawClient onA = RawClient.get(a.port(), "/todos/stream");
                RawClient onB = RawClient.get(b.port(), "/todos/stream")) {
            assertEquals(200, onA.status());
            assertEquals(200, onB.status());
            post(a, "/todos", "{\"title\": \"milk\"}", 201);
            try (Connection c = DriverManager.getConnection(a.jdbcUrl()); Statement s = c.createStatement()) {
                s.execute("insert into todos (title) values ('eggs')"); // as psql would
            }
            for (RawClient stream : new RawClient[] {onA, onB}) {
                String body = stream.readUntil("event: todo_added\r\n", 2, WAIT);
                assertTrue(body.indexOf("\"title\":\"milk\"") < body.indexOf("\"title\":\"eggs\""), body);
                assertEquals(2, body.split("event: todo_added", -1).length - 1, "each row once: " + body);
            }
        }
    }

    @Test
    void anUnknownStore_isRefusedNamingTheOption() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DemoServer.storeInPostgres(new String[] {"--store", "mongo"}));
        assertTrue(e.getMessage().startsWith("--store must be memory, redis or postgres"), e.getMessage());
        assertTrue(DemoServer.storeInPostgres(new String[] {"--store", "postgres"}));
        assertFalse(DemoServer.storeInPostgres(new String[] {}));
    }
}
