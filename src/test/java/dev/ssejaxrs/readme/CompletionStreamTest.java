package dev.ssejaxrs.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.ssejaxrs.testing.EventStreamReader;
import dev.ssejaxrs.testing.ReceivedEvent;
import dev.ssejaxrs.testing.SseServerExtension;

/** A stream that answers a POST with a JSON body, as LLM clients open one with {@code fetch}. */
class CompletionStreamTest {
    @RegisterExtension
    static final SseServerExtension server =
            SseServerExtension.of(() -> new ResourceConfig(CompletionResource.class));
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private static HttpRequest post(String json) {
        return HttpRequest.newBuilder(server.baseUri().resolve("completions")).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    @Test
    void aPostWithAJsonBody_isAnsweredWithItsTokensThenDone_andTheStreamEnds() throws Exception {
        HttpResponse<InputStream> response = HTTP.send(post("{\"prompt\": \"to be or not\", \"words\": 6}"),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"),
                response.headers().toString());
        List<ReceivedEvent> events = new ArrayList<>();
        try (EventStreamReader reader = EventStreamReader.of(response.body())) {
            for (ReceivedEvent event = reader.next(); event != null; event = reader.next()) {
                events.add(event);
            }
            assertNull(reader.next(), "the response ended after done");
        }
        assertEquals(List.of("to", "be", "or", "not", "to", "be", "[DONE]"),
                events.stream().map(ReceivedEvent::data).toList());
        assertEquals(List.of("0", "1", "2", "3", "4", "5"),
                events.subList(0, 6).stream().map(ReceivedEvent::lastEventId).toList(), "an id per token");
        assertEquals("done", events.get(6).type());
    }

    @Test
    void jsonThatDoesNotParse_getsA4xx_neverA500NorAStream() throws Exception {
        for (String body : List.of("{\"prompt\": ", "[1, 2]", "")) {
            HttpResponse<String> response = HTTP.send(post(body), HttpResponse.BodyHandlers.ofString());
            assertTrue(response.statusCode() >= 400 && response.statusCode() < 500,
                    body + ": " + response.statusCode() + " " + response.body());
            assertTrue(!response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"),
                    response.headers().toString());
        }
    }

    @Test
    void aClientThatLeavesMidStream_endsIt_andTheServerGoesOn() throws Exception {
        HttpResponse<InputStream> response = HTTP.send(post("{\"prompt\": \"long answer\", \"words\": 1000}"),
                HttpResponse.BodyHandlers.ofInputStream());
        try (EventStreamReader reader = EventStreamReader.of(response.body())) {
            assertEquals("long", reader.next().data());
        } // the tab closes
        HttpResponse<InputStream> again = HTTP.send(post("{\"prompt\": \"short\", \"words\": 1}"),
                HttpResponse.BodyHandlers.ofInputStream());
        try (EventStreamReader reader = EventStreamReader.of(again.body())) {
            assertEquals("short", reader.next().data());
            assertEquals("[DONE]", reader.next().data());
            assertNull(reader.next());
        }
    }

    @Test
    void aBadBody_getsA400WithItsReason_notAStream() throws Exception {
        HttpResponse<String> response = HTTP.send(post("{\"prompt\": \"\", \"words\": 6}"),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(!response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"),
                response.headers().toString());
    }
}
