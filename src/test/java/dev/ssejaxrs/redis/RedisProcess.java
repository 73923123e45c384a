package dev.ssejaxrs.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.embedded.RedisServer;

/**
 * A real redis-server (the binary embedded-redis ships) on a free port, with its data in a directory of its own and
 * an append-only file: {@link #stop()} is a SIGTERM, on which Redis writes it out, so a stop and a start keep every
 * entry Redis acknowledged.
 *
 * <p>One per test class, started before its first test and closed after its last:
 * <pre>{@code @RegisterExtension static final RedisProcess redis = RedisProcess.perTestClass();}</pre>
 */
public final class RedisProcess implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
    public final int port;
    private final Path dir;
    private final RedisServer server;
    private RedisClient adminClient;

    private RedisProcess(boolean start, String... settings) {
        try {
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            dir = Files.createTempDirectory("sse-redis-");
            var builder = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                    .setting("dir " + dir)
                    .setting("appendonly yes")
                    .setting("appendfsync everysec")
                    .setting("save \"\"");
            for (String s : settings) {
                builder.setting(s);
            }
            server = builder.build();
            if (start) {
                server.start();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static RedisProcess start(String... settings) {
        return new RedisProcess(true, settings);
    }

    /** A Redis for one test class: registered as an extension, it starts before the class's tests and closes after. */
    public static RedisProcess perTestClass(String... settings) {
        return new RedisProcess(false, settings);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        restart();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    public void stop() {
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void restart() {
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The redis-server's process id ({@code INFO server}). */
    public long pid() {
        String info = admin(c -> c.info("server"));
        return info.lines().filter(line -> line.startsWith("process_id:"))
                .mapToLong(line -> Long.parseLong(line.substring("process_id:".length()).trim())).findFirst()
                .orElseThrow(() -> new IllegalStateException("no process_id in INFO server: " + info));
    }

    /** Kills the redis-server with SIGKILL: no shutdown, no last write; {@link #restart()} starts it again. */
    public void kill9() {
        long pid = pid();
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
        process.destroyForcibly(); // SIGKILL
        process.onExit().join();
        stop(); // forgets the dead process, so that restart() starts a new one
    }

    /** Sends {@code signal} ({@code STOP}: the process freezes, its sockets stay open; {@code CONT}: it goes on). */
    public void signal(long pid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed: " + kill.exitValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Runs {@code commands} on a fresh admin connection (not one of the log's). */
    public synchronized <T> T admin(
            java.util.function.Function<io.lettuce.core.api.sync.RedisCommands<String, String>, T> commands) {
        if (adminClient == null) {
            adminClient = RedisClient.create(uri());
        }
        try (StatefulRedisConnection<String, String> c = adminClient.connect()) {
            return commands.apply(c.sync());
        }
    }

    /** The names of the connections whose name starts with {@code prefix} ({@code CLIENT LIST}). */
    public List<String> connectionsNamed(String prefix) {
        String list = admin(c -> c.clientList());
        return list.lines().map(line -> {
            int at = line.indexOf(" name=");
            return at < 0 ? "" : line.substring(at + 6, line.indexOf(' ', at + 6));
        }).filter(name -> name.startsWith(prefix)).sorted().toList();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (adminClient != null) {
                adminClient.shutdown(java.time.Duration.ZERO, java.time.Duration.ofSeconds(2));
            }
        }
        stop();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
