package dev.ssejaxrs.it;

import dev.ssejaxrs.test.RawClient;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A Spring Boot application on {@code spring-boot-starter-jersey} ({@code src-it/spring-boot}: Boot 3.5 with
 * Jersey 3.1, or Boot 4.0 with Jersey 4 under {@code -Pee11}), started as a JVM of its own once for all tests of this
 * class, with graceful shutdown on. Boot's {@code ResourceConfig} bean registers only the resource: sse-jaxrs must
 * come in through auto-discovery. The last test stops the application with SIGTERM.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SpringBootIT {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String HELLO = "data: hello\r\n\r\n";
    private static final String FAREWELL = "event: shutdown\r\ndata: bye\r\n\r\n";
    private static ContainerProcess boot;
    private static int port;

    @BeforeAll
    static void startBoot() throws Exception {
        Path classes = ContainerProcess.builtDirectory("it.bootClasses");
        Path classPathFile = ContainerProcess.builtFile("it.bootClassPath");
        Path sseJar = ContainerProcess.builtFile("it.sseJar");
        String classPath = String.join(File.pathSeparator, classes.toString(), sseJar.toString(),
                Files.readString(classPathFile, StandardCharsets.UTF_8).trim());
        port = ContainerProcess.freePort();
        Path base = Path.of("target", "spring-boot-it");
        boot = ContainerProcess.start(ContainerProcess.javaCommand(ContainerProcess.java(), "-Xmx256m", "-cp",
                classPath, "dev.ssejaxrs.it.boot.SpringBootSample", "--server.port=" + port,
                "--server.address=127.0.0.1", "--server.shutdown=graceful", "--spring.lifecycle.timeout-per-shutdown-phase=30s",
                "--spring.main.banner-mode=off"), base.resolve("spring-boot.log"), false);
        boot.awaitServing(port, "/stats", Duration.ofMinutes(2));
    }

    @AfterAll
    static void stopBoot() throws Exception {
        if (boot != null) {
            boot.close();
        }
    }

    private static RawClient get(String path, String... headers) {
        return RawClient.get(port, path, headers);
    }

    private static RawClient openEndless() {
        RawClient client = get("/endless");
        assertEquals(200, client.status(), client.head());
        client.readUntil(HELLO, WAIT);
        return client;
    }

    private static String stats() {
        try (RawClient stats = get("/stats")) {
            assertEquals(200, stats.status(), stats.head());
            return stats.readToEnd(WAIT);
        }
    }

    private static int stat(String member) {
        String json = stats();
        Matcher m = Pattern.compile("\"" + member + "\":(\\d+)").matcher(json);
        assertTrue(m.find(), member + " in " + json);
        return Integer.parseInt(m.group(1));
    }

    private static String publish(String text) {
        try (RawClient post = RawClient.request(port, "POST", "/news", text, 0, "Content-Type: text/plain")) {
            assertEquals(200, post.status(), post.head());
            return post.readToEnd(WAIT);
        }
    }

    /** Each of these streams ends at once, maybe before Jersey has suspended the request: each must end anyway. */
    @Test
    void returnedEventStream_isWrittenWithEventStreamHeaders_andEnds() {
        for (int i = 0; i < 20; i++) {
            try (RawClient client = get("/numbers?count=3")) {
                assertEquals(200, client.status(), client.head());
                assertEquals("text/event-stream;charset=UTF-8", client.header("Content-Type"), client.head());
                assertEquals("no-store", client.header("Cache-Control"), client.head());
                assertEquals("no", client.header("X-Accel-Buffering"), client.head());
                assertEquals("data: 1\r\n\r\ndata: 2\r\n\r\ndata: 3\r\n\r\n", client.readToEnd(WAIT), "round " + i);
                assertTrue(client.endedCleanly(), "round " + i + ": the response ended with its terminating chunk");
            }
        }
    }

    @Test
    void registryTopic_replaysWhatTheClientMissed_thenDeliversLive() {
        String first = publish("first");
        String second = publish("second");
        try (RawClient client = get("/news", "Last-Event-ID: " + first)) {
            assertEquals(200, client.status(), client.head());
            assertEquals("id: " + second + "\r\ndata: second\r\n\r\n", client.readUntil("data: second\r\n\r\n", WAIT),
                    "only the event after Last-Event-ID is replayed");
            String third = publish("third");
            client.readUntil("id: " + third + "\r\ndata: third\r\n\r\n", WAIT);
        }
    }

    @Test
    void idleStream_getsPings() {
        try (RawClient client = openEndless()) {
            String body = client.readUntil(": ping", 3, WAIT);
            assertTrue(body.matches("(?s)data: hello\r\n\r\n(: ping - [^\r\n]+\r\n\r\n)+.*"), RawClient.show(body));
        }
    }

    @Test
    void clientThatLeaves_isNoticed_andItsStreamEnds() {
        int goneBefore = stat("CLIENT_GONE");
        try (RawClient leaving = openEndless()) {
            leaving.readUntil(": ping", WAIT);
        }
        await().atMost(WAIT).until(() -> stat("CLIENT_GONE") > goneBefore);
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void sigterm_endsOpenStreamsWithTheirFarewell_withoutWaitingForTheGracefulShutdownTimeout() throws Exception {
        try (RawClient first = openEndless(); RawClient second = openEndless()) {
            Duration took = boot.terminate(Duration.ofSeconds(60));
            // graceful shutdown would wait 30 s for open requests: the streams must end at once instead
            assertTrue(took.toSeconds() < 20, "the application took " + took + " to stop");
            for (RawClient client : List.of(first, second)) {
                String body = client.readToEnd(WAIT);
                assertTrue(body.endsWith(FAREWELL), RawClient.show(body));
                assertTrue(client.endedCleanly(), "the response ended with its terminating chunk");
            }
        }
    }
}
