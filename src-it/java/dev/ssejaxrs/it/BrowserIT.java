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

    private static final String ROWS = "Array.from(document.querySelectorAll('#events tr'))"
            + ".map(r => Array.from(r.cells).map(c => c.textContent).join('|')).join(';')";

    @Test
    void demoPage_showsLiveEvents_andFillsTheGapAfterAReconnect() throws Exception {
        browser.navigate("http://127.0.0.1:" + demo.port() + "/?topic=browser");
        browser.awaitTrue("document.getElementById('status').textContent === 'open'", WAIT,
                "document.body.innerText");

        post("/topics/browser", "first");
        post("/topics/browser?event=update", "second");
        post("/topics/browser", "third");
        browser.awaitTrue("document.querySelectorAll('#events tr').length === 3", WAIT, ROWS);
        assertEquals("1|message|first;2|update|second;3|message|third", browser.evaluate(ROWS));
        assertEquals("3", browser.evaluate("document.getElementById('last-id').textContent"));

        // the server drops the stream; events published meanwhile come back through the replay
        assertEquals("{\"disconnected\":1}", post("/topics/browser/disconnect", ""));
        browser.awaitTrue("document.getElementById('status').textContent === 'reconnecting'", WAIT,
                "document.body.innerText");
        String stats = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demo.port() + "/stats"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(stats.startsWith("{\"activeStreams\":0,"), "no stream open now: " + stats);
        post("/topics/browser", "fourth");
        post("/topics/browser?event=update", "fifth");
        browser.awaitTrue("document.querySelectorAll('#events tr').length >= 5", WAIT, ROWS);
        post("/topics/browser", "sixth"); // live again after the reconnect
        browser.awaitTrue("document.querySelectorAll('#events tr').length >= 6", WAIT, ROWS);

        assertEquals("1|message|first;2|update|second;3|message|third;4|message|fourth;5|update|fifth;"
                + "6|message|sixth", browser.evaluate(ROWS), "every event exactly once, in order");
        browser.screenshot(Path.of("target", "browser-demo.png"));
    }
}
