package dev.ssejaxrs.it;

import dev.ssejaxrs.test.RawClient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
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

/**
 * The sample WAR (with Jersey's servlet container inside) on a real Tomcat (10.1; 11 under {@code -Pee11}), embedded
 * and started by {@link TomcatLauncher} in a JVM of its own: once for all tests of this class.
 */
class TomcatIT extends ServletContainerContract {
    private static final String CONTEXT = "/sse-sample";
    private static ContainerProcess tomcat;
    private static int port;

    @BeforeAll
    static void startTomcat() throws Exception {
        Path war = ContainerProcess.builtFile("it.tomcatWar");
        port = ContainerProcess.freePort();
        Path base = Path.of("target", "tomcat-it");
        tomcat = ContainerProcess.start(List.of(ContainerProcess.java(), "-Xmx256m", "-cp", launcherClassPath(),
                TomcatLauncher.class.getName(), Integer.toString(port), war.toString(), CONTEXT, base.toString()),
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
