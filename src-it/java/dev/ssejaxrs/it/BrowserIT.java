package dev.ssejaxrs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.demo.DemoServer;

/**
 * The demo's pages in a real headless Chromium. The topic page: live events through the browser's own EventSource,
 * named events and lastEventId, and, when the server drops the stream, the browser's reconnect with Last-Event-ID
 * whose replay fills the gap, so the page shows every event exactly once. The front page's live chart, the htmx page (fragments swapped
 * in, markup arriving as text), the todo page (a row inserted by another database client; every row once while
 * another client keeps inserting) and the chat page (an answer that survives a reload mid-answer, each word once).
 * Saves screenshots in
 * {@code target/browser-*.png}.
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
        return post(path, body, "application/x-www-form-urlencoded"); // text/plain: 415 (cross-site forms)
    }

    private static String post(String path, String body, String type) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demo.port() + path))
                .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static int activeStreams() throws IOException, InterruptedException {
        String stats = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demo.port() + "/stats"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        return Integer.parseInt(stats.replaceAll("(?s).*\"activeStreams\":(\\d+).*", "$1"));
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
        int open = activeStreams(); // the topic's stream and the page's live figures (/stats/stream)
        assertEquals("{\"disconnected\":1}", post("/topics/browser/disconnect", ""));
        browser.awaitTrue("document.getElementById('status').textContent === 'reconnecting'", WAIT,
                "document.body.innerText");
        assertEquals(open - 1, activeStreams(), "the topic's stream is closed now");
        String fourth = publish("/topics/browser", "fourth");
        String fifth = publish("/topics/browser?event=update", "fifth");
        browser.awaitTrue("document.querySelectorAll('#events tr').length >= 5", WAIT, ROWS);
        String sixth = publish("/topics/browser", "sixth"); // live again after the reconnect
        browser.awaitTrue("document.querySelectorAll('#events tr').length >= 6", WAIT, ROWS);

        assertEquals(firstThree + ";" + fourth + "|message|fourth;" + fifth + "|update|fifth;" + sixth
                + "|message|sixth", browser.evaluate(ROWS), "every event exactly once, in order");
        browser.screenshot(Path.of("target", "browser-demo.png"));
    }

    @Test
    void htmxPage_swapsInPublishedFragments_andShowsMarkupAsText() throws Exception {
        browser.navigate("http://127.0.0.1:" + demo.port() + "/htmx");
        browser.awaitTrue("document.getElementById('status').textContent === 'open'", WAIT,
                "document.body.innerText");
        // typed into the page's own form, posted by htmx
        browser.evaluate("(() => { const f = document.querySelector('form'); f.text.value = "
                + "'<b>bold</b> <img src=x onerror=\"document.title=1\">'; f.requestSubmit(); return true; })()");
        browser.awaitTrue("document.querySelectorAll('#messages li').length === 1", WAIT,
                "document.getElementById('messages').innerHTML");
        post("/htmx/messages", "text=from+another+client", "application/x-www-form-urlencoded");
        browser.awaitTrue("document.querySelectorAll('#messages li').length === 2", WAIT,
                "document.getElementById('messages').innerHTML");
        String texts = (String) browser.evaluate("Array.from(document.querySelectorAll('#messages li'))"
                + ".map(li => li.textContent.replace(/^\\d\\d:\\d\\d:\\d\\d /, '')).join('|')");
        assertEquals("<b>bold</b> <img src=x onerror=\"document.title=1\">|from another client", texts);
        assertEquals(0.0, ((Number) browser.evaluate("document.querySelectorAll('#messages b, #messages img')"
                + ".length")).doubleValue(), "the message arrived as text, not as markup");
        assertEquals("", browser.evaluate("document.querySelector('form').text.value"), "htmx reset the form");
        browser.screenshot(Path.of("target", "browser-htmx.png"));
    }

    @Test
    void htmxPage_storedXssPayload_rendersAsText_andTopicsCannotReachThePage() throws Exception {
        String payload = "<img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script>";
        browser.navigate("http://127.0.0.1:" + demo.port() + "/htmx");
        browser.awaitTrue("document.getElementById('status').textContent === 'open'", WAIT,
                "document.body.innerText");
        String title = (String) browser.evaluate("document.title");
        // issue 26: this went into the page as HTML; now /topics/htmx is a client topic of its own
        publish("/topics/htmx", payload);
        post("/htmx/messages", "text=" + java.net.URLEncoder.encode(payload, java.nio.charset.StandardCharsets.UTF_8),
                "application/x-www-form-urlencoded");
        browser.awaitTrue("document.querySelectorAll('#messages li').length >= 1", WAIT,
                "document.getElementById('messages').innerHTML");
        assertEquals(1.0, ((Number) browser.evaluate("document.querySelectorAll('#messages li').length"))
                .doubleValue(), "only the escaped message, published after the raw one, reached the page");
        assertEquals(payload, browser.evaluate("document.querySelector('#messages li').textContent"
                + ".replace(/^\\d\\d:\\d\\d:\\d\\d /, '')"), "the payload shows as text");
        assertEquals(0.0, ((Number) browser.evaluate("document.querySelectorAll('#messages img, #messages script')"
                + ".length")).doubleValue(), "no element made of the payload");
        assertEquals(title, browser.evaluate("document.title"), "no script of the payload ran");
        // and the page's policy would stop an inline script that got in anyway
        assertEquals(title, browser.evaluate("(() => { const s = document.createElement('script');"
                + " s.textContent = \"document.title = 'inline ran'\"; document.body.appendChild(s);"
                + " return document.title; })()"), "the Content-Security-Policy blocks inline scripts");
    }

    @Test
    void frontPage_showsLiveEvents_itsChartGrows_andAJobRunsToDone() throws Exception {
        browser.navigate("http://127.0.0.1:" + demo.port() + "/");
        browser.awaitTrue("document.getElementById('status').textContent === 'open'", WAIT,
                "document.body.innerText");
        browser.awaitTrue("Number(document.getElementById('chart').dataset.points) >= 2"
                + " && document.querySelector('#chart canvas') !== null", WAIT, "document.body.innerText");
        int points = ((Number) browser.evaluate("Number(document.getElementById('chart').dataset.points)")).intValue();
        browser.awaitTrue("Number(document.getElementById('chart').dataset.points) >= " + (points + 2), WAIT,
                "document.getElementById('chart').dataset.points");
        assertTrue(((String) browser.evaluate("document.getElementById('figures').textContent"))
                .startsWith("open streams "), "the latest figures are shown");

        post("/topics/demo", "hello from the test");
        browser.awaitTrue("document.querySelectorAll('#events tr').length === 1", WAIT, ROWS);
        assertTrue(((String) browser.evaluate(ROWS)).endsWith("|message|hello from the test"));

        browser.evaluate("document.querySelector('#job button').click(), true");
        browser.awaitTrue("document.getElementById('job-status').textContent === 'done'", WAIT,
                "document.getElementById('job-status').textContent");
        assertEquals(20.0, ((Number) browser.evaluate("document.getElementById('job-progress').value"))
                .doubleValue());
        browser.screenshot(Path.of("target", "browser-front.png"));
    }

    @Test
    void chatPage_aReloadMidAnswer_resumesIt_andShowsEveryWordOnce() throws Exception {
        browser.navigate("http://127.0.0.1:" + demo.port() + "/chat");
        browser.awaitTrue("document.getElementById('status').textContent === 'idle'", WAIT, "document.body.innerText");
        browser.evaluate("(() => { const f = document.getElementById('ask'); f.words.value = '120'; "
                + "f.wordMs.value = '50'; f.requestSubmit(); return true; })()");
        String words = "document.getElementById('answer').textContent.split(' ').filter(w => w).length";
        browser.awaitTrue(words + " >= 10", WAIT, "document.body.innerText");
        String id = (String) browser.evaluate("document.getElementById('answer-id').textContent");

        browser.evaluate("location.reload(); true"); // mid-answer: the POST's response is gone with the page
        browser.awaitTrue("document.getElementById('status').textContent === 'done'", WAIT,
                "document.body.innerText");
        StringBuilder expected = new StringBuilder();
        for (int i = 1; i <= 120; i++) {
            expected.append(i == 1 ? "" : " ").append('w').append(i);
        }
        assertEquals(expected.toString(), browser.evaluate("document.getElementById('answer').textContent"),
                "the whole answer, each word once");
        assertEquals(id, browser.evaluate("document.getElementById('answer-id').textContent"), "the same answer");
        browser.screenshot(Path.of("target", "browser-chat.png"));
    }

    @Test
    void todoPage_showsARowInsertedByAnotherDatabaseClient() throws Exception {
        browser.navigate("http://127.0.0.1:" + demo.port() + "/todos");
        browser.awaitTrue("document.getElementById('status').textContent === 'open'", WAIT,
                "document.body.innerText");
        try (Connection c = DriverManager.getConnection(demo.jdbcUrl());
                PreparedStatement insert = c.prepareStatement("insert into todos (title) values (?)")) {
            insert.setString(1, "inserted by <psql>");
            insert.executeUpdate();
        }
        browser.awaitTrue("Array.from(document.querySelectorAll('#todos td.title'))"
                + ".some(td => td.textContent === 'inserted by <psql>')", WAIT, "document.body.innerText");
        browser.screenshot(Path.of("target", "browser-todos.png"));
    }

    private static final String IDS = "Array.from(document.querySelectorAll('#todos tr.todo'))"
            + ".map(r => r.querySelector('td.id').textContent).join(',')";

    /**
     * Issue 28: the server renders the rows with the stream's cursor taken before its query, the page subscribes from
     * that cursor, and so every row shows exactly once, whether it was committed before the render, during it, or
     * after, while another database client keeps inserting.
     */
    @Test
    void todoPage_underConcurrentInserts_showsEveryRowExactlyOnce() throws Exception {
        String url = demo.jdbcUrl();
        CountDownLatch pageOpen = new CountDownLatch(1);
        AtomicInteger inserted = new AtomicInteger();
        CompletableFuture<Void> inserter = CompletableFuture.runAsync(() -> {
            try (Connection c = DriverManager.getConnection(url);
                    PreparedStatement insert = c.prepareStatement("insert into todos (title) values (?)")) {
                int afterOpen = 0;
                while (afterOpen < 50) { // rows before and while the page renders and subscribes, then 50 more
                    boolean open = pageOpen.getCount() == 0;
                    if (!open && inserted.get() >= 300) { // fewer rows than the page renders (500): all must show
                        open = pageOpen.await(60, TimeUnit.SECONDS);
                    }
                    insert.setString(1, "row " + inserted.incrementAndGet());
                    insert.executeUpdate();
                    if (open) {
                        afterOpen++;
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> inserted.get() >= 20 || inserter.isDone());
            browser.navigate("http://127.0.0.1:" + demo.port() + "/todos");
            browser.awaitTrue("document.getElementById('status').textContent === 'open'", WAIT,
                    "document.body.innerText");
            pageOpen.countDown();
            inserter.get(60, TimeUnit.SECONDS);
        } finally {
            pageOpen.countDown();
        }
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url);
                ResultSet all = c.createStatement().executeQuery("select id from todos order by id desc")) {
            while (all.next()) {
                rows.add(Long.toString(all.getLong(1)));
            }
        }
        assertTrue(rows.size() >= 70, rows.size() + " rows");
        browser.awaitTrue("document.querySelectorAll('#todos tr.todo').length >= " + rows.size(), WAIT, IDS);
        List<String> shown = List.of(((String) browser.evaluate(IDS)).split(","));
        assertEquals(rows.size(), shown.size(), "each row once: " + shown);
        assertEquals(new java.util.TreeSet<>(rows), new java.util.TreeSet<>(shown), "every row");
        assertEquals(Integer.toString(rows.size()), browser.evaluate("document.getElementById('count').textContent"));
        assertTrue(((String) browser.evaluate("document.getElementById('cursor').textContent")).matches("\\d+-\\d+"));
        browser.screenshot(Path.of("target", "browser-todos-rendered.png"));
    }
}
