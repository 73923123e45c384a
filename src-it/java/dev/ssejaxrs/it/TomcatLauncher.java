package dev.ssejaxrs.it;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.scan.StandardJarScanner;

/**
 * An embedded Tomcat (10.1, or 11 under {@code -Pee11}) that deploys one WAR, run by {@link TomcatIT} as a JVM of
 * its own (so the WAR's Jersey is the only one there). Arguments: port, WAR file, context path, base directory. It
 * prints {@code ready} once the WAR is deployed, then obeys lines on standard input:
 * <ul>
 * <li>{@code undeploy}: removes the web application and answers
 *     {@code undeployed millis=<how long it took> sseThreads=<sse-jaxrs threads still alive after up to 5 s>};</li>
 * <li>{@code stop}, or the end of input (the test JVM went away): stops Tomcat and exits.</li>
 * </ul>
 * The connector's async timeout is one second: an event stream must outlive it (Jersey suspends the request with no
 * timeout), which {@code TomcatIT} checks.
 */
public final class TomcatLauncher {
    static final int ASYNC_TIMEOUT_MILLIS = 1000;
    private static final String SSE_THREAD_PREFIX = "sse-jaxrs-";

    private TomcatLauncher() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        File war = new File(args[1]);
        String contextPath = args[2];
        Path baseDir = Path.of(args[3]);
        Files.createDirectories(baseDir.resolve("webapps"));

        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        tomcat.setPort(port);
        Connector connector = tomcat.getConnector();
        connector.setProperty("address", "127.0.0.1");
        connector.setAsyncTimeout(ASYNC_TIMEOUT_MILLIS);
        tomcat.getHost().setAutoDeploy(false);
        Context context = tomcat.addWebapp(contextPath, war.getAbsolutePath());
        // only the WAR's jars: not the launcher's class path
        ((StandardJarScanner) context.getJarScanner()).setScanClassPath(false);
        tomcat.start();
        if (!context.getState().isAvailable()) {
            System.out.println("failed: the web application did not start (state " + context.getState() + ")");
            stop(tomcat);
            System.exit(1);
        }
        System.out.println("ready");

        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String command;
        while ((command = commands.readLine()) != null && !command.equals("stop")) {
            if (command.equals("undeploy")) {
                long start = System.nanoTime();
                tomcat.getHost().removeChild(context);
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                System.out.println("undeployed millis=" + millis + " sseThreads=" + sseThreadsAfterAtMost(5));
            } else {
                System.out.println("unknown command: " + command);
            }
        }
        stop(tomcat);
        System.out.println("stopped");
        System.exit(0);
    }

    /** The sse-jaxrs threads still alive, waiting up to {@code seconds} for them to end. */
    private static long sseThreadsAfterAtMost(int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long alive;
        while ((alive = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(SSE_THREAD_PREFIX)).count()) > 0
                && System.nanoTime() < deadline) {
            Thread.sleep(50); // polling other threads' end; nothing to wait on
        }
        return alive;
    }

    private static void stop(Tomcat tomcat) throws LifecycleException, IOException {
        tomcat.stop();
        tomcat.destroy();
    }
}
