package dev.ssejaxrs.broadcast;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.ssejaxrs.redis.RedisOptions;
import dev.ssejaxrs.test.TestServer;

/**
 * A node in a JVM of its own, to be killed with {@code kill -9}: a registry on Redis served by {@link BroadcastApp}.
 * {@link #start} launches it with this JVM's class path and waits for the line {@code port <n>} it prints once it
 * serves; it exits by itself when its standard input closes (its parent died), so no test leaves one behind.
 */
final class NodeProcess implements AutoCloseable {
    private final Process process;
    final int port;

    private NodeProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts a node on {@code redisUri} with key prefix {@code prefix}; waits until it serves (or fails). */
    static NodeProcess start(String redisUri, String prefix) {
        String java = ProcessHandle.current().info().command().orElse("java");
        try {
            Process process = new ProcessBuilder(List.of(java, "-Xmx128m", "-XX:TieredStopAtLevel=1",
                    "-cp", System.getProperty("java.class.path"), NodeProcess.class.getName(), redisUri, prefix))
                    .redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
            StringBuilder seen = new StringBuilder();
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("port ")) {
                    Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "node-process-output");
                    drain.setDaemon(true);
                    drain.start();
                    return new NodeProcess(process, Integer.parseInt(line.substring(5).trim()));
                }
                seen.append("\n  ").append(line);
            }
            throw new IllegalStateException("the node process ended before serving (exit "
                    + process.waitFor() + "); its output:" + seen);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Kills the node with SIGKILL: no close, no presence removed, connections dropped by the kernel. */
    void kill9() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the node process did not die within 10 s of SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill9();
        }
    }

    /** The node: {@code <redis uri> <key prefix>}. */
    public static void main(String[] args) throws IOException {
        EventRegistry registry = new EventRegistry(RegistryOptions.builder()
                .redis(RedisOptions.builder(args[0]).keyPrefix(args[1]).build())
                .build());
        TestServer server = BroadcastApp.serve(registry);
        System.out.println("port " + server.port);
        System.out.flush();
        try (var in = System.in) {
            while (in.read() >= 0) {
                // nothing is sent: the read ends when the parent's end of the pipe closes
            }
        }
        server.close();
        registry.close();
        System.exit(0);
    }
}
