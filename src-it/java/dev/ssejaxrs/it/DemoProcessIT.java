package dev.ssejaxrs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * End to end: the demo server as its own JVM (as the README's command starts it), a real HTTP client, and a stop
 * by signal while a stream is open.
 */
class DemoProcessIT {
    private Process server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.destroyForcibly();
        }
    }

    private int startDemo() throws IOException, InterruptedException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        server = new ProcessBuilder(ContainerProcess.javaCommand(java, "-Xmx256m", "-cp",
                System.getProperty("java.class.path"),
                "dev.ssejaxrs.demo.DemoServer", "--port", Integer.toString(port)))
                .redirectErrorStream(true)
                .redirectOutput(Path.of("target", "demo-process-it.log").toFile())
                .start();
        HttpClient http = client();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/stats")).build(),
                        HttpResponse.BodyHandlers.discarding());
                return port;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline || !server.isAlive()) {
                    throw new AssertionError("demo server did not start; see target/demo-process-it.log");
                }
                Thread.sleep(100); // polling a process that is starting up
            }
        }
    }

    private static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @Test
    void demoProcess_streamsIncrementally_andStopsPromptlyWithAStreamOpen() throws Exception {
        int port = startDemo();
        HttpResponse<InputStream> response = client().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/endless")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        assertEquals("text/event-stream;charset=UTF-8", response.headers().firstValue("content-type").orElse(""));
        InputStream in = response.body();
        StringBuilder received = new StringBuilder();
        byte[] buf = new byte[256];
        while (!received.toString().contains("data: 2\r\n\r\n")) {
            int n = in.read(buf);
            assertTrue(n > 0, "stream ended early: " + received);
            received.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        }
        assertTrue(received.toString().startsWith("data: 1\r\n\r\ndata: 2\r\n\r\n"), received.toString());

        long start = System.nanoTime();
        server.destroy(); // SIGTERM: the shutdown hook stops the server, which ends the open stream
        assertTrue(server.waitFor(10, TimeUnit.SECONDS), "demo server stopped");
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMillis < 5000, "stop took " + tookMillis + " ms");
        while (in.read(buf) > 0) {
            // the rest of the stream, up to its end
        }
    }
}
