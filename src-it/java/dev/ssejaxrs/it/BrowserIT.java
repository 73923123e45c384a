package dev.ssejaxrs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.demo.DemoServer;

/**
 * The demo page in a real headless Chromium: live events through the browser's own EventSource, named events and
 * lastEventId, and, when the server drops the stream, the browser's reconnect with Last-Event-ID whose replay fills
 * the gap, so the page shows every event exactly once. Saves {@code target/browser-demo.png}.
 */
class BrowserIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static DemoServer demo;
    private static HeadlessChromium browser;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        demo = DemoServer.start(0);
        browser = HeadlessChromium.start();
    }

    @AfterAll
    static void stop() throws IOException {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (demo != null) {
                demo.close();
            }
        }
    }

    private static String post(String path, String body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demo.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Publishes to a topic; returns the id the demo assigned. */
    private static String publish(String path, String body) throws IOException, InterruptedException {
        String answer = post(path, body);
        assertTrue(answer.matches("\\{\"id\":\"\\d+-\\d+\"}"), answer);
        return answer.substring(7, answer.length() - 2);
    }

    private static final String ROWS = "Array.from(document.querySelectorAll('#events tr'))"
            + ".map(r => Array.from(r.cells).map(c => c.textContent).join('|')).join(';')";

    @Test
    void demoPage_showsLiveEvents_andFillsTheGapAfterAReconnect() throws Exception {
        browser.navigate("http://127.0.0.1:" + demo.port() + "/?topic=browser");
        browser.awaitTrue("document.getElementById('status').textContent === 'open'", WAIT,
                "document.body.innerText");

        String first = publish("/topics/browser", "first");
        String second = publish("/topics/browser?event=update", "second");
        String third = publish("/topics/browser", "third");
        browser.awaitTrue("document.querySelectorAll('#events tr').length === 3", WAIT, ROWS);
        String firstThree = first + "|message|first;" + second + "|update|second;" + third + "|message|third";
        assertEquals(firstThree, browser.evaluate(ROWS));
        assertEquals(third, browser.evaluate("document.getElementById('last-id').textContent"));

        // the server drops the stream; events published meanwhile come back through the replay
        assertEquals("{\"disconnected\":1}", post("/topics/browser/disconnect", ""));
        browser.awaitTrue("document.getElementById('status').textContent === 'reconnecting'", WAIT,
                "document.body.innerText");
        String stats = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demo.port() + "/stats"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(stats.startsWith("{\"activeStreams\":0,"), "no stream open now: " + stats);
        String fourth = publish("/topics/browser", "fourth");
        String fifth = publish("/topics/browser?event=update", "fifth");
        browser.awaitTrue("document.querySelectorAll('#events tr').length >= 5", WAIT, ROWS);
        String sixth = publish("/topics/browser", "sixth"); // live again after the reconnect
        browser.awaitTrue("document.querySelectorAll('#events tr').length >= 6", WAIT, ROWS);

        assertEquals(firstThree + ";" + fourth + "|message|fourth;" + fifth + "|update|fifth;" + sixth
                + "|message|sixth", browser.evaluate(ROWS), "every event exactly once, in order");
        browser.screenshot(Path.of("target", "browser-demo.png"));
    }
}
