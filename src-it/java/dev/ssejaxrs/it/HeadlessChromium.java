package dev.ssejaxrs.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

/**
 * A real headless Chromium (Debian's {@code chromium}), driven over the Chrome DevTools protocol on a WebSocket:
 * navigate, evaluate JavaScript, take a screenshot. One browser with a fresh profile per instance.
 */
final class HeadlessChromium implements AutoCloseable {
    private static final Jsonb JSON = JsonbBuilder.create();

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<Map<String, Object>>> pending = new ConcurrentHashMap<>();

    private HeadlessChromium(Process process, Path profile, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
    }

    /**
     * Starts Chromium. When it is missing, installs Debian's package if this machine can ({@code apt-get} as
     * root), else fails with a message saying how.
     */
    static HeadlessChromium start() throws Exception {
        return start(List.of());
    }

    /** Starts Chromium with {@code extraFlags} too (such as {@code --ignore-certificate-errors}). */
    static HeadlessChromium start(List<String> extraFlags) throws Exception {
        Path chromium = findOrInstall();
        Path profile = Files.createTempDirectory("sse-jaxrs-chromium");
        List<String> command = new java.util.ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
                "--remote-debugging-port=0",
                // a page left for another would stay in the back-forward cache with its event streams open: after a
                // few pages the browser's 6 connections per host are all taken and the next request waits forever
                "--disable-back-forward-cache"));
        command.addAll(extraFlags);
        command.add("about:blank");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(Path.of("target", "chromium.log").toFile())
                .start();
        Path portFile = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(portFile) || Files.readAllLines(portFile).size() < 2) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                process.destroyForcibly();
                throw new AssertionError("Chromium did not start; see target/chromium.log");
            }
            Thread.sleep(50); // polling a starting process
        }
        int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String targets = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> list = JSON.fromJson(targets, List.class);
        String pageSocket = list.stream().filter(t -> "page".equals(t.get("type")))
                .map(t -> (String) t.get("webSocketDebuggerUrl")).findFirst()
                .orElseThrow(() -> new AssertionError("no page target in " + targets));
        HeadlessChromium[] self = new HeadlessChromium[1];
        WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(pageSocket), new WebSocket.Listener() {
            private final StringBuilder message = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                message.append(data);
                if (last) {
                    self[0].received(message.toString());
                    message.setLength(0);
                }
                ws.request(1);
                return null;
            }
        }).get(10, TimeUnit.SECONDS);
        self[0] = new HeadlessChromium(process, profile, socket);
        return self[0];
    }

    private static Path findOrInstall() throws IOException, InterruptedException {
        for (String candidate : List.of(System.getenv().getOrDefault("CHROMIUM", ""), "/usr/bin/chromium",
                "/usr/bin/chromium-browser")) {
            if (!candidate.isEmpty() && Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        if (Files.isExecutable(Path.of("/usr/bin/apt-get")) && "root".equals(System.getProperty("user.name"))) {
            Process install = new ProcessBuilder("sh", "-c",
                    "apt-get install -y chromium || (apt-get update && apt-get install -y chromium)")
                    .redirectErrorStream(true).redirectOutput(Path.of("target", "chromium-install.log").toFile())
                    .start();
            if (install.waitFor(10, TimeUnit.MINUTES) && Files.isExecutable(Path.of("/usr/bin/chromium"))) {
                return Path.of("/usr/bin/chromium");
            }
        }
        throw new AssertionError("Chromium is needed for the browser test and could not be installed: run "
                + "'apt-get install -y chromium' (Debian) or set CHROMIUM to its executable"
                + " (see target/chromium-install.log)");
    }

    private void received(String text) {
        @SuppressWarnings("unchecked")
        Map<String, Object> message = JSON.fromJson(text, Map.class);
        Object id = message.get("id");
        if (id instanceof Number n) {
            CompletableFuture<Map<String, Object>> reply = pending.remove(n.intValue());
            if (reply != null) {
                reply.complete(message);
            }
        }
    }

    /** Sends one DevTools command and returns its result. */
    @SuppressWarnings("unchecked")
    Map<String, Object> call(String method, Map<String, Object> params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<Map<String, Object>> reply = new CompletableFuture<>();
        pending.put(id, reply);
        socket.sendText(JSON.toJson(Map.of("id", id, "method", method, "params", params)), true)
                .get(10, TimeUnit.SECONDS);
        Map<String, Object> message = reply.get(30, TimeUnit.SECONDS);
        if (message.containsKey("error")) {
            throw new AssertionError(method + " failed: " + message.get("error"));
        }
        return (Map<String, Object>) message.get("result");
    }

    void navigate(String url) throws Exception {
        call("Page.navigate", Map.of("url", url));
    }

    /** The value of a JavaScript expression (strings, numbers, booleans). */
    @SuppressWarnings("unchecked")
    Object evaluate(String expression) throws Exception {
        Map<String, Object> result = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
        return ((Map<String, Object>) result.get("result")).get("value");
    }

    /** Waits until {@code expression} is true; fails with {@code describe}'s value when the time is up. */
    void awaitTrue(String expression, Duration timeout, String describe) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Boolean.TRUE.equals(evaluate(expression))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the page never satisfied " + expression + "; page: " + evaluate(describe));
            }
            Thread.sleep(100); // polling the page's DOM
        }
    }

    void screenshot(Path file) throws Exception {
        String png = (String) call("Page.captureScreenshot", Map.of("format", "png")).get("data");
        Files.write(file, java.util.Base64.getDecoder().decode(png));
    }

    @Override
    public void close() throws IOException {
        socket.abort();
        process.descendants().forEach(ProcessHandle::destroyForcibly); // renderer and helper processes too
        process.destroyForcibly();
        try {
            process.onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // gone or going: the profile below is best-effort
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(profile)) {
            walk.sorted(Comparator.reverseOrder()).forEach(files::add);
        }
        for (Path f : files) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException stillInUse) {
                // a temporary profile: left for the system to clean
            }
        }
    }
}
