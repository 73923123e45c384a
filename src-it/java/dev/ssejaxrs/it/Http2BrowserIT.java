package dev.ssejaxrs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.demo.DemoServer;
import dev.ssejaxrs.demo.DemoTls;

/**
 * Many EventSources in one page of a real headless Chromium, on the demo with {@code --tls}: over HTTP/2 they share
 * one connection, so all 12 open and receive at once; over HTTP/1.1 (the same demo on plain HTTP, sharing its
 * database) the browser's 6 connections per host hold the other 6 back until earlier streams end.
 */
class Http2BrowserIT {
    private static final System.Logger LOG = System.getLogger(Http2BrowserIT.class.getName());
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int SOURCES = 12;
    /** Each test stream waits this long between its two events, so an HTTP/1.1 source held back starts no sooner. */
    private static final long STREAM_DELAY_MS = 3000;
    private static DemoServer tlsDemo;
    private static DemoServer plainDemo;
    private static HttpClient http;
    private static HeadlessChromium browser;

    @BeforeAll
    static void start() throws Exception {
        DemoTls tls = DemoTls.selfSigned();
        tlsDemo = DemoServer.start(0, null, tls);
        plainDemo = DemoServer.start(0, tlsDemo.jdbcUrl());
        http = HttpClient.newBuilder().sslContext(tls.clientContext()).build();
        browser = HeadlessChromium.start(List.of("--ignore-certificate-errors"));
    }

    @AfterAll
    static void stop() throws IOException {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (plainDemo != null) {
                plainDemo.close();
            }
            if (tlsDemo != null) {
                tlsDemo.close();
            }
        }
    }

    /**
     * Opens {@link #SOURCES} EventSources on {@code path} in the page; records, per source, when it opened, when
     * its first event came (ms since they were created) and when the event {@code go} came ({@code Date.now()}).
     */
    private static void openSources(String path) throws Exception {
        browser.evaluate("(() => { window.sources = []; window.opened = []; window.first = []; window.got = [];"
                + " const t0 = performance.now(); window.t0 = t0;"
                + " for (let i = 0; i < " + SOURCES + "; i++) {"
                + "   const es = new EventSource('" + path + "'); window.sources.push(es);"
                + "   es.onopen = () => { if (opened[i] === undefined) opened[i] = Math.round(performance.now() - t0); };"
                + "   es.onmessage = e => {"
                + "     if (first[i] === undefined) first[i] = Math.round(performance.now() - t0);"
                + "     if (e.data === 'go') got[i] = Date.now(); };"
                + " } return true; })()");
    }

    private static String closeSources() throws Exception {
        return (String) browser.evaluate("(() => { sources.forEach(es => es.close()); return 'closed'; })()");
    }

    /**
     * Over HTTP/2 waits until every source had its first event; over HTTP/1.1 ({@code all} false) only 2.5 s: the
     * held-back sources start when earlier streams end, racing the browser's reconnects of those, so some may not
     * have started by then (they count as late, {@code null}).
     */
    private static String firstEvents(String base, boolean all) throws Exception {
        browser.navigate(base + "stats");
        browser.awaitTrue("document.readyState === 'complete' && location.href.startsWith('" + base + "')", WAIT,
                "location.href");
        openSources("/numbers?from=1&to=2&delayMs=" + STREAM_DELAY_MS);
        browser.awaitTrue(all ? "first.filter(t => t !== undefined).length === " + SOURCES
                : "first.filter(t => t !== undefined).length >= 6 && performance.now() - window.t0 > "
                        + (STREAM_DELAY_MS - 500), WAIT,
                "JSON.stringify(first)");
        String first = (String) browser.evaluate("JSON.stringify(Array.from({length: " + SOURCES
                + "}, (_, i) => first[i] === undefined ? null : first[i]))");
        closeSources();
        return first;
    }

    /** How many sources of a JSON array of first-event times came after {@code limitMs}, or never ({@code null}). */
    private static long late(String firstEvents, long limitMs) {
        return List.of(firstEvents.replaceAll("[\\[\\]]", "").split(",")).stream()
                .mapToLong(ms -> ms.equals("null") ? Long.MAX_VALUE : Long.parseLong(ms)).filter(ms -> ms > limitMs)
                .count();
    }

    @Test
    void twelveEventSourcesOverHttp2_allOpenAndReceiveAPublishedEvent_noneWaitsForAnotherToEnd() throws Exception {
        String base = tlsDemo.url();
        browser.navigate(base + "stats");
        browser.awaitTrue("document.readyState === 'complete' && location.href.startsWith('" + base + "')", WAIT,
                "location.href");
        assertEquals("h2", browser.evaluate("performance.getEntriesByType('navigation')[0].nextHopProtocol"));

        openSources("/topics/h2-browser");
        browser.awaitTrue("opened.filter(t => t !== undefined).length === " + SOURCES, WAIT,
                "JSON.stringify(opened)");
        String opened = (String) browser.evaluate("JSON.stringify(opened)");
        HttpResponse<String> published = http.send(HttpRequest.newBuilder(URI.create(base + "topics/h2-browser"))
                .header("Content-Type", "application/x-www-form-urlencoded")     // the demo refuses text/plain
                .POST(HttpRequest.BodyPublishers.ofString("go")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, published.statusCode(), published.body());
        browser.awaitTrue("got.filter(t => t !== undefined).length === " + SOURCES, WAIT, "JSON.stringify(got)");
        // a request of the page after the streams: the resource timing names the protocol they share
        browser.evaluate("fetch('/stats').then(r => r.text()).then(() => window.fetched = true) && true");
        browser.awaitTrue("window.fetched === true", WAIT, "String(window.fetched)");
        assertEquals("h2", browser.evaluate("performance.getEntriesByType('resource')"
                + ".filter(e => e.name.endsWith('/stats')).map(e => e.nextHopProtocol).join()"));
        closeSources();

        // time to the first event per source: HTTP/2 (all at once) against HTTP/1.1 (6 connections per host)
        String overHttp2 = firstEvents(base, true);
        String overHttp11 = firstEvents(plainDemo.url(), false);
        LOG.log(System.Logger.Level.INFO, "12 EventSources, ms from creation to open: {0} (h2); to first event: "
                + "{1} (h2), {2} (HTTP/1.1)", opened, overHttp2, overHttp11);
        // a held-back source can start only once an earlier stream ended, which takes its 3 s delay: the causal line
        long lateOnHttp2 = late(overHttp2, STREAM_DELAY_MS);
        long lateOnHttp11 = late(overHttp11, STREAM_DELAY_MS);
        assertEquals(0, lateOnHttp2, "over HTTP/2 no source waits: " + overHttp2);
        assertEquals(SOURCES - 6, lateOnHttp11, "over HTTP/1.1 the browser holds 6 back: " + overHttp11);
    }
}
