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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.ssejaxrs.broadcast.ResumableOptions;
import dev.ssejaxrs.broadcast.ResumableStreams;
import dev.ssejaxrs.testing.EventStreamReader;
import dev.ssejaxrs.testing.OpenEventStream;
import dev.ssejaxrs.testing.ReceivedEvent;
import dev.ssejaxrs.testing.SseServerExtension;

/** The resumable streams guide's resource: a POST with a JSON body answered by a stream that a GET resumes. */
class AnswersTest {
    private static final ResumableStreams STREAMS = new ResumableStreams(ResumableOptions.defaults());
    @RegisterExtension
    static final SseServerExtension server = SseServerExtension.of(() -> new ResourceConfig()
            .register(new AnswersResource(STREAMS)));
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @AfterAll
    static void stop() {
        STREAMS.close();
    }

    @Test
    void aPostIsAnsweredWithTheStream_andAGetWithLastEventIdResumesIt() throws Exception {
        HttpResponse<InputStream> response = HTTP.send(HttpRequest.newBuilder(server.baseUri().resolve("answers"))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"to be or not\", \"words\": 6}")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        String location = response.headers().firstValue("Location").orElseThrow();
        List<ReceivedEvent> events = new ArrayList<>();
        try (EventStreamReader reader = EventStreamReader.of(response.body())) {
            for (ReceivedEvent event = reader.next(); event != null; event = reader.next()) {
                events.add(event);
            }
            assertNull(reader.next(), "the response ended after done");
        }
        assertEquals(List.of("to", "be", "or", "not", "to", "be", "{\"words\":6}"),
                events.stream().map(ReceivedEvent::data).toList());
        assertEquals(ResumableStreams.DONE, events.get(6).type());

        String id = location.substring(location.lastIndexOf('/') + 1);
        try (OpenEventStream resumed = server.openStream("answers/" + id, events.get(3).lastEventId())) {
            assertEquals(List.of("to", "be", "{\"words\":6}"),
                    resumed.collect(3, Duration.ofSeconds(20)).stream().map(ReceivedEvent::data).toList());
            resumed.awaitEnd(Duration.ofSeconds(20));
        }
        try (OpenEventStream ended = server.openStream("answers/" + id, events.get(6).lastEventId())) {
            assertEquals(204, ended.status());
        }
        assertTrue(server.target("answers/" + id).request().delete().getStatus() == 204, "known: 204");
    }
}
