package dev.ssejaxrs.it;

import dev.ssejaxrs.demo.DemoTls;
import dev.ssejaxrs.mcp.McpChecks;
import dev.ssejaxrs.http2.Http2Client;
import dev.ssejaxrs.test.RawClient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sample WAR (with Jersey's servlet container inside) on a real Tomcat (10.1; 11 under {@code -Pee11}), embedded
 * and started by {@link TomcatLauncher} in a JVM of its own: once for all tests of this class.
 */
class TomcatIT extends ServletContainerContract {
    private static final String CONTEXT = "/sse-sample";
    private static ContainerProcess tomcat;
    private static int port;
    private static int tlsPort;
    private static DemoTls tls;

    @BeforeAll
    static void startTomcat() throws Exception {
        Path war = ContainerProcess.builtFile("it.tomcatWar");
        port = ContainerProcess.freePort();
        tlsPort = ContainerProcess.freePort();
        Path base = Path.of("target", "tomcat-it");
        java.nio.file.Files.createDirectories(base);
        tls = DemoTls.selfSigned();
        Path keyStore = base.resolve("tls.p12").toAbsolutePath();
        tls.saveTo(keyStore);
        tomcat = ContainerProcess.start(ContainerProcess.javaCommand(ContainerProcess.java(), "-Xmx256m", "-cp",
                launcherClassPath(),
                TomcatLauncher.class.getName(), Integer.toString(port), war.toString(), CONTEXT, base.toString(),
                Integer.toString(tlsPort), keyStore.toString(), tls.password()),
                base.resolve("tomcat.log"), true);
        tomcat.awaitLine("ready", Duration.ofSeconds(60));
    }

    /** Tomcat's jars and the launcher, nothing else: Jersey and sse-jaxrs come only from the WAR. */
    private static String launcherClassPath() {
        List<String> entries = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> Path.of(entry).getFileName().toString().startsWith("tomcat-"))
                .collect(Collectors.toCollection(ArrayList::new));
        assertFalse(entries.isEmpty(), "tomcat-embed-core on the test class path");
        entries.add(Path.of(TomcatLauncher.class.getProtectionDomain().getCodeSource().getLocation().getPath())
                .toString());
        return String.join(File.pathSeparator, entries);
    }

    @AfterAll
    static void stopTomcat() throws Exception {
        if (tomcat == null) {
            return;
        }
        try {
            if (tomcat.isAlive()) {
                tomcat.send("stop");
                tomcat.awaitLine("stopped", Duration.ofSeconds(20));
            }
        } finally {
            tomcat.close();
        }
    }

    @Override
    int port() {
        return port;
    }

    @Override
    String contextPath() {
        return CONTEXT;
    }

    /**
     * h2c and h2 over TLS: 30 streams on one HTTP/2 connection each get their events as sent; a client that resets
     * one of them ends exactly that stream by its next ping (Tomcat fails that write, with an exception that is not
     * always an {@code IOException}), while the other 29 go on.
     */
    @ParameterizedTest(name = "over TLS: {0}")
    @ValueSource(booleans = {false, true})
    void http2_thirtyStreamsOnOneConnection_aResetEndsExactlyThatStreamByTheNextPing(boolean overTls)
            throws Exception {
        Http2Client client = overTls ? new Http2Client("https://127.0.0.1:" + tlsPort + CONTEXT, tls.clientContext())
                : new Http2Client("http://127.0.0.1:" + port + CONTEXT, null);
        assertEquals(HttpClient.Version.HTTP_2, client.get("/auto/stats").version()); // h2c: upgrades
        int activeBefore = activeStreams("auto");
        int goneBefore = closed("auto", "CLIENT_GONE");
        List<Http2Client.Stream> streams = new ArrayList<>();
        try {
            for (int i = 0; i < 30; i++) {
                streams.add(client.open("/auto/endless?pingMs=300"));
            }
            for (Http2Client.Stream stream : streams) {
                assertEquals(HttpClient.Version.HTTP_2, stream.response().version());
            }
            // incrementally: the hello, then pings one by one while the stream stays open
            await().atMost(WAIT).until(() -> streams.stream().allMatch(s -> s.received("data: hello")
                    && s.lines.stream().filter(line -> line.startsWith(": ping")).count() >= 2));
            assertEquals(activeBefore + 30, activeStreams("auto"));

            Http2Client.Stream reset = streams.get(7);
            long resetAt = System.nanoTime();
            reset.cancel();
            await().atMost(WAIT).until(() -> closed("auto", "CLIENT_GONE") == goneBefore + 1);
            long noticedMillis = (System.nanoTime() - resetAt) / 1_000_000;
            assertTrue(noticedMillis < 2000, "the reset stream ended after " + noticedMillis + " ms");
            assertEquals(activeBefore + 29, activeStreams("auto"));
            List<Http2Client.Stream> others = new ArrayList<>(streams);
            others.remove(reset);
            List<Integer> seen = others.stream().map(s -> s.lines.size()).toList();
            await().atMost(WAIT).until(() -> {
                for (int i = 0; i < others.size(); i++) {
                    if (others.get(i).lines.size() <= seen.get(i)) {
                        return false;
                    }
                }
                return true;
            });
            assertEquals(goneBefore + 1, closed("auto", "CLIENT_GONE"), "only the reset stream ended");
        } finally {
            for (Http2Client.Stream stream : streams) {
                stream.cancel();
            }
        }
        await().atMost(WAIT).until(() -> activeStreams("auto") == activeBefore);
    }

    @Test
    void mcp_theSdkClientCountsAndGetsEveryProgressNotification() throws Exception {
        McpChecks.sdkClientCountsWithEveryProgressNotification("http://127.0.0.1:" + port, CONTEXT + "/mcp-app/mcp");
        McpChecks.twoSessionsGetOnlyTheirOwnProgress("http://127.0.0.1:" + port, CONTEXT + "/mcp-app/mcp");
    }

    @Test
    void mcp_aCutStreamResumesWithTheRestExactlyOnce() {
        McpChecks.aCutStreamResumesWithTheRestExactlyOnce(port, CONTEXT + "/mcp-app/mcp");
    }

    @Test
    void mcp_anotherSessionNeverReceivesTheFirstsEvents() {
        McpChecks.anotherSessionNeverReceivesTheFirstsEvents(port, CONTEXT + "/mcp-app/mcp");
    }

    @Test
    void stream_outlivesTheConnectorsAsyncTimeout() {
        try (RawClient client = openEndless("auto")) {
            Duration threeTimeouts = Duration.ofMillis(3L * TomcatLauncher.ASYNC_TIMEOUT_MILLIS);
            assertFalse(client.readFor(threeTimeouts), "the stream ended: " + RawClient.show(client.body()));
            int pings = client.body().split(": ping", -1).length - 1;
            assertTrue(pings >= 10, pings + " pings in " + threeTimeouts);
        }
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void undeploy_endsOpenStreamsWithTheirFarewell_promptly_andLeavesNoThread() throws Exception {
        try (RawClient auto = openEndless("auto"); RawClient explicit = openEndless("explicit")) {
            tomcat.send("undeploy");
            String answer = tomcat.awaitLine("undeployed", Duration.ofSeconds(30));
            Matcher m = Pattern.compile("undeployed millis=(\\d+) sseThreads=(\\d+)").matcher(answer);
            assertTrue(m.matches(), answer);
            assertTrue(Long.parseLong(m.group(1)) < 5000, "undeploy took " + m.group(1) + " ms");
            assertEquals("0", m.group(2), "sse-jaxrs threads alive after undeploy");
            for (RawClient client : List.of(auto, explicit)) {
                String body = client.readToEnd(WAIT);
                assertTrue(body.endsWith(FAREWELL), RawClient.show(body));
                assertTrue(client.endedCleanly(), "the response ended with its terminating chunk");
            }
        }
        try (RawClient gone = get("/auto/stats")) {
            assertEquals(404, gone.status(), gone.head());
        }
    }
}
