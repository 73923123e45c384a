package dev.ssejaxrs.it;

import dev.ssejaxrs.test.RawClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A server in a JVM of its own, started with the {@code java} that runs the tests. Its standard error (and its
 * standard output, unless the test reads it line by line) goes to a log file under {@code target/}; {@link #close()}
 * kills it whatever happened.
 */
final class ContainerProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private ContainerProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * {@code java}, then the JVM options of the system property {@code it.serverJvm} (none unless set;
     * {@code bash .ci/run} sets quick-start options on the builds that re-run the same classes on another Jersey),
     * then {@code options}.
     */
    static List<String> javaCommand(String java, String... options) {
        List<String> command = new ArrayList<>();
        command.add(java);
        String extra = System.getProperty("it.serverJvm", "").trim();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(List.of(options));
        return command;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A required system property naming a file the build made; fails with a hint when it is missing. */
    static Path builtFile(String property) {
        String value = System.getProperty(property);
        if (value == null || !Files.isRegularFile(Path.of(value))) {
            throw new IllegalStateException("missing " + property + " (" + value
                    + "): run the container tests through `mvn verify`, which builds it");
        }
        return Path.of(value);
    }

    /** A required system property naming a directory the build made; fails with a hint when it is missing. */
    static Path builtDirectory(String property) {
        String value = System.getProperty(property);
        if (value == null || !Files.isDirectory(Path.of(value))) {
            throw new IllegalStateException("missing " + property + " (" + value
                    + "): run the container tests through `mvn verify`, which builds it");
        }
        return Path.of(value);
    }

    /**
     * Starts {@code command}; with {@code readLines} its standard output is kept for {@link #awaitLine}, else it
     * goes to the log with its standard error.
     */
    static ContainerProcess start(List<String> command, Path log, boolean readLines) throws IOException {
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(log.toFile()).redirectErrorStream(true);
        if (readLines) {
            builder.redirectErrorStream(false).redirectOutput(ProcessBuilder.Redirect.PIPE)
                    .redirectError(log.toFile());
        }
        ContainerProcess started = new ContainerProcess(builder.start(), log);
        if (readLines) {
            Thread reader = new Thread(started::collectLines, "container-stdout");
            reader.setDaemon(true);
            reader.start();
        }
        return started;
    }

    private void collectLines() {
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** Waits for a line of standard output that starts with {@code prefix}; fails on a timeout or an early exit. */
    String awaitLine(String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> seen = new ArrayList<>();
        while (true) {
            String line = lines.poll(200, TimeUnit.MILLISECONDS);
            if (line == null) {
                if (System.nanoTime() - deadline > 0 || !process.isAlive() && lines.isEmpty()) {
                    throw new AssertionError("no line \"" + prefix + "...\" within " + timeout + " (alive: "
                            + process.isAlive() + "); got " + seen + "; see " + log);
                }
                continue;
            }
            if (line.startsWith(prefix)) {
                return line;
            }
            seen.add(line);
        }
    }

    /** Sends a command line to the process's standard input. */
    void send(String command) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** Polls the log until a line matches {@code pattern}; fails when the time is up or the process exits. */
    void awaitLogLine(java.util.regex.Pattern pattern, Duration timeout) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.readString(log, StandardCharsets.ISO_8859_1).lines().anyMatch(pattern.asPredicate())) {
            if (!process.isAlive()) {
                throw new AssertionError("the server exited with " + process.exitValue() + "; see " + log);
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("no log line like " + pattern + " within " + timeout + "; see " + log);
            }
            Thread.sleep(250); // polling a server that is starting up
        }
    }

    /** Polls {@code path} on {@code port} until it answers 200; fails when the time is up or the process exits. */
    void awaitServing(int port, String path, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "nothing";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the server exited with " + process.exitValue() + "; see " + log);
            }
            try (RawClient probe = RawClient.get(port, path, Duration.ofSeconds(5))) {
                if (probe.status() == 200) {
                    return;
                }
                last = "status " + probe.status();
            } catch (UncheckedIOException | AssertionError notYet) {
                last = notYet.toString();
            }
            Thread.sleep(250); // polling a server that is starting up
        }
        throw new AssertionError("the server did not serve " + path + " within " + timeout + " (last: " + last
                + "); see " + log);
    }

    /** Asks the process to stop (SIGTERM) and waits for it; returns how long it took, or fails after the timeout. */
    Duration terminate(Duration timeout) throws InterruptedException {
        long start = System.nanoTime();
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the server did not stop within " + timeout + "; see " + log);
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Kills the process and waits a bounded time for it to go. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
