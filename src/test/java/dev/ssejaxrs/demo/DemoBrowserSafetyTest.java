package dev.ssejaxrs.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.ssejaxrs.test.RawClient;
import dev.ssejaxrs.testing.EventStreamClient;
import dev.ssejaxrs.testing.OpenEventStream;
import dev.ssejaxrs.testing.ReceivedEvent;

/**
 * The demo as another web site would attack it (issue 26), over real HTTP: the stored XSS through {@code /topics/htmx}
 * no longer reaches the htmx page, fragments are escaped, pages carry a Content-Security-Policy, cross-site and
 * {@code text/plain} posts are refused with a reason, a foreign {@code Host} (DNS rebinding) gets 421, and
 * {@code /stats} shows counts, not names, unless asked.
 */
class DemoBrowserSafetyTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String XSS = "<img src=x onerror=\"alert(document.domain)\">";
    private static DemoServer demo;
    private static Client client;

    @BeforeAll
    static void start() throws IOException {
        demo = DemoServer.start(0);
        client = ClientBuilder.newClient();
    }

    @AfterAll
    static void stop() {
        client.close();
        demo.close();
    }

    /** One request written as it is, {@code Connection: close}; the whole response. */
    private static String exchange(String request) throws IOException {
        try (Socket socket = RawClient.connect(demo.port(), WAIT)) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String post(String path, String body, String... headers) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return exchange("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + demo.port() + "\r\n"
                + String.join("", java.util.Arrays.stream(headers).map(h -> h + "\r\n").toList())
                + "Content-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n" + body);
    }

    private static int status(String response) {
        return Integer.parseInt(response.substring(9, 12));
    }

    private static String body(String response) {
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }

    @Test
    void htmxTopic_cannotBePublishedThroughTopics_onlyEscapedFragmentsArrive() throws IOException {
        // from the start of the history: whatever reached the htmx topic, before or after the join, comes back
        try (OpenEventStream page = EventStreamClient.open(client.target(demo.url()).path("htmx/stream"), "0-0")) {
            assertEquals(200, page.status());
            String published = post("/topics/htmx", XSS, "Content-Type: application/x-www-form-urlencoded");
            assertEquals(201, status(published), published); // a client topic of the same name: not the page's
            String escaped = post("/htmx/messages", "text=" + java.net.URLEncoder.encode(XSS, StandardCharsets.UTF_8),
                    "Content-Type: application/x-www-form-urlencoded", "Origin: http://127.0.0.1:" + demo.port());
            assertEquals(204, status(escaped), escaped);

            ReceivedEvent first = page.awaitEvent(e -> e.type().equals("message"), WAIT);
            assertEquals("message", first.type());
            assertTrue(first.data().matches("<li><time>\\d\\d:\\d\\d:\\d\\d</time> "
                    + "&lt;img src=x onerror=&quot;alert\\(document.domain\\)&quot;&gt;</li>"),
                    "the first fragment on the page is the escaped message, not the raw post: " + first);
        }
        try (OpenEventStream topic = EventStreamClient.open(client.target(demo.url()).path("topics/htmx"), "0-0")) {
            assertEquals(XSS, topic.awaitEvent(e -> e.type().equals("message"), WAIT).data(),
                    "the client topic htmx kept its own event, as text");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/htmx", "/todos"})
    void pages_sendAContentSecurityPolicy_withoutInlineScript(String page) throws IOException {
        String response = exchange("GET " + page + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertEquals(200, status(response), response);
        assertTrue(response.contains("\r\nContent-Security-Policy: " + BrowserGuard.CONTENT_SECURITY_POLICY + "\r\n"),
                response.substring(0, response.indexOf("\r\n\r\n")));
        assertTrue(response.contains("script-src 'self';"), "no 'unsafe-inline' nor 'unsafe-eval' for scripts");
        assertTrue(response.contains("\r\nX-Content-Type-Options: nosniff\r\n"));
        String html = body(response);
        assertFalse(html.matches("(?s).*<script>.*"), "an inline script the policy would block: " + page);
        assertFalse(html.matches("(?s).*\\shx-on[:-].*"), "an hx-on attribute needs eval: " + page);
        String script = html.replaceAll("(?s).*<script src=\"(/assets/[a-z]+\\.js)\">.*", "$1");
        String js = exchange("GET " + script + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertEquals(200, status(js), script + ": " + js);
        assertTrue(js.contains("Content-Type: text/javascript;charset=UTF-8"), js);
    }

    @Test
    void crossSitePost_isRefusedWithAReason_sameOriginAndNoOriginPass() throws IOException {
        String form = "Content-Type: application/x-www-form-urlencoded";
        String foreign = post("/topics/csrf", "x", form, "Origin: https://evil.example");
        assertEquals(403, status(foreign), foreign);
        assertTrue(body(foreign).startsWith("{\"error\":\"Origin \\\"https://evil.example\\\" may not POST here"),
                foreign);
        String otherPort = post("/htmx/messages", "text=x", form, "Origin: http://127.0.0.1:1");
        assertEquals(403, status(otherPort), "another port is another origin: " + otherPort);
        String nullOrigin = post("/topics/csrf", "x", form, "Origin: null");
        assertEquals(403, status(nullOrigin), nullOrigin);

        assertEquals(201, status(post("/topics/csrf", "x", form, "Origin: http://127.0.0.1:" + demo.port())));
        assertEquals(201, status(post("/topics/csrf", "x", form)), "curl sends no Origin");
        assertEquals(201, status(post("/topics/csrf", "x")), "nor necessarily a Content-Type");
        String delete = exchange("DELETE /topics/csrf HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://evil.example"
                + "\r\nConnection: close\r\n\r\n");
        assertEquals(403, status(delete), delete);
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "text/plain;charset=UTF-8", "*/*", "application/xml"})
    void stateChangingRequest_withoutJsonOrFormContentType_gets415(String type) throws IOException {
        String refused = post("/topics/csrf", "x", "Content-Type: " + type);
        assertEquals(415, status(refused), refused);
        assertTrue(body(refused).startsWith("{\"error\":\"Content-Type must be application/json or "
                + "application/x-www-form-urlencoded"), refused);
        assertEquals(202, status(post("/emit", "{\"event_name\": \"e\", \"recipient_id\": \"csrf\"}",
                "Content-Type: application/json;charset=UTF-8")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"evil.example", "evil.example:8080", "127.0.0.1.nip.io", "10.0.0.1"})
    void foreignHost_gets421_dnsRebinding(String host) throws IOException {
        String response = exchange("GET /stats HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
        assertEquals(421, status(response), response);
        assertTrue(body(response).startsWith("{\"error\":\"Host must name the loopback interface"), response);
        assertTrue(body(response).contains(host), response);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "localhost", "LOCALHOST:8080", "[::1]:8080"})
    void loopbackHost_passes(String host) throws IOException {
        String response = exchange("GET /stats HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
        assertEquals(200, status(response), response);
    }

    @Test
    void stats_showCountsNotNames_unlessAsked() throws IOException {
        assertEquals(202, status(post("/emit", "{\"event_name\": \"e\", \"recipient_id\": \"alice-secret-name\"}",
                "Content-Type: application/json")));
        String counts = body(exchange("GET /stats HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
        assertTrue(counts.matches("(?s)\\{\"activeStreams\":\\d+,.*\"registry\":\\{\"addresses\":\\d+,.*"), counts);
        assertFalse(counts.contains("alice-secret-name"), counts);
        assertFalse(counts.contains("busiest"), counts);
        String named = body(exchange("GET /stats?busiest=true HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close"
                + "\r\n\r\n"));
        assertTrue(named.contains("\"busiest\":[") && named.contains("alice-secret-name"), named);
        String bad = exchange("GET /stats?busiest=yes HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertEquals(400, status(bad), bad);
    }
}
