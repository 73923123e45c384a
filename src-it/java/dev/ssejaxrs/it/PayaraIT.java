package dev.ssejaxrs.it;

import dev.ssejaxrs.test.RawClient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.awaitility.Awaitility;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The sample WAR without Jersey or JSON-B jars on Payara Micro (6: Jakarta EE 10 with Jersey 3.1; 7 under
 * {@code -Pee11}: Jakarta EE 11 with Jersey 4), started as a JVM of its own once for all tests of this class:
 * Payara's Jersey must auto-discover sse-jaxrs from WEB-INF/lib. Payara Micro 7 runs on the newer JDK that
 * {@link Jdks} finds.
 */
class PayaraIT extends ServletContainerContract {
    private static final String CONTEXT = "/sse-sample";
    private static final Duration STARTUP = Duration.ofMinutes(4);
    private static ContainerProcess payara;
    private static int port;

    @BeforeAll
    static void startPayara() throws Exception {
        Path micro = ContainerProcess.builtFile("it.payaraMicro");
        Path war = ContainerProcess.builtFile("it.payaraWar");
        port = ContainerProcess.freePort();
        Path root = Path.of("target", "payara-it");
        Files.createDirectories(root);
        String java = Jdks.javaAtLeast(Integer.getInteger("it.payaraJava", 17));
        // one runtime directory per Payara version: Payara Micro reuses the runtime it unpacked there
        payara = ContainerProcess.start(ContainerProcess.javaCommand(java, "-Xmx512m", "-jar", micro.toString(),
                "--nocluster", "--disablephonehome", "--port", Integer.toString(port),
                "--rootdir", root.resolve("root-" + micro.getFileName()).toString(), "--deploy", war.toString()),
                root.resolve("payara.log"), false);
        // Payara Micro answers while it deploys, then reloads the web module: wait for its own word first
        payara.awaitLogLine(Pattern.compile("Payara Micro .* ready in"), STARTUP);
        payara.awaitServing(port, CONTEXT + "/auto/stats", Duration.ofSeconds(30));
    }

    @AfterAll
    static void stopPayara() throws Exception {
        if (payara != null) {
            payara.close();
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
    void war_holdsOnlyTheSampleAndTheSseJaxrsJar() throws Exception {
        try (ZipFile war = new ZipFile(ContainerProcess.builtFile("it.payaraWar").toFile())) {
            List<String> libs = war.stream().map(ZipEntry::getName)
                    .filter(name -> name.startsWith("WEB-INF/lib/") && name.endsWith(".jar"))
                    .collect(Collectors.toList());
            assertEquals(1, libs.size(), libs.toString());
            assertTrue(libs.get(0).matches("WEB-INF/lib/sse-jaxrs-[^/]+\\.jar"), libs.toString());
        }
    }

    @Test
    void cdiBean_publishesOnAManagedTimer_toAStreamOfTheSameWar() {
        try (RawClient ticks = get("/cdi/ticks")) {
            assertEquals(200, ticks.status(), ticks.head());
            String body = ticks.readUntil("\r\n\r\n", 2, WAIT);
            assertTrue(Pattern.compile("(id: [^\r]+\r\ndata: tick \\d+\r\n\r\n){2}").matcher(body).matches(),
                    RawClient.show(body));
        }
    }

    @Test
    void iteratorSource_andOnClose_runWithCdiAndJndi() {
        String found = "cdi=tick-service jndi=ok thread=server";
        try (RawClient context = get("/cdi/context")) {
            assertEquals(("data: iterator: " + found + "\r\n\r\n").repeat(3), context.readToEnd(WAIT));
        }
        Awaitility.await().atMost(WAIT).until(() -> {
            try (RawClient check = get("/cdi/close-check")) {
                return check.readToEnd(WAIT);
            }
        }, Matchers.equalTo("onClose COMPLETED: " + found));
    }

    @Test
    void withManagedExecutorsOff_sourcesRunOnTheLibrarysOwnThreads() {
        // Payara's invocation context is inherited by threads a request thread creates, so JNDI works there too; the
        // thread names tell the executors apart
        try (RawClient context = get("/cdi-unmanaged/context")) {
            String body = context.readToEnd(WAIT);
            assertEquals(3, body.split("thread=library", -1).length - 1, RawClient.show(body));
        }
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void stop_endsOpenStreamsWithTheirFarewell_andExitsPromptly() throws Exception {
        try (RawClient auto = openEndless("auto"); RawClient explicit = openEndless("explicit")) {
            Duration took = payara.terminate(Duration.ofSeconds(60));
            assertTrue(took.toSeconds() < 20, "Payara took " + took + " to stop");
            for (RawClient client : List.of(auto, explicit)) {
                String body = client.readToEnd(WAIT);
                assertTrue(body.endsWith(FAREWELL), RawClient.show(body));
                assertTrue(client.endedCleanly(), "the response ended with its terminating chunk");
            }
        }
    }
}
