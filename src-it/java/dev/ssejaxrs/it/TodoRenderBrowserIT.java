package dev.ssejaxrs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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
 * The todo page in a real headless Chromium while another database client keeps inserting rows (issue 28): the
 * server renders the rows with the stream's cursor taken before its query, the page subscribes from that cursor,
 * and so every row shows exactly once, whether it was committed before the render, during it, or after.
 */
class TodoRenderBrowserIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static DemoServer demo;
    private static HeadlessChromium browser;

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

    private static final String IDS = "Array.from(document.querySelectorAll('#todos tr.todo'))"
            + ".map(r => r.querySelector('td.id').textContent).join(',')";

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
