package dev.ssejaxrs.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;

import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The README's testing example, word for word (keep them the same). */
class ReadmeTestingExampleTest {
    // README: begin extension example
    @RegisterExtension
    static final JerseyServerExtension server =
            new JerseyServerExtension(() -> new ResourceConfig(NumbersResource.class));

    @Test
    void streamsTheNumbersThenEnds() {
        try (OpenEventStream stream = server.openStream("numbers?to=3")) {
            assertEquals(200, stream.status());
            assertEquals("text/event-stream;charset=UTF-8", stream.contentType());
            List<ReceivedEvent> events = stream.collect(3, Duration.ofSeconds(5));
            assertEquals(List.of("1", "2", "3"), events.stream().map(ReceivedEvent::data).toList());
            assertEquals(List.of(), stream.awaitEnd(Duration.ofSeconds(5)));
        }
    }
    // README: end extension example
}
