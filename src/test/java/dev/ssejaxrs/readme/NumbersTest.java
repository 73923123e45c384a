package dev.ssejaxrs.readme;

// README: begin NumbersTest
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;

import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.ssejaxrs.testing.OpenEventStream;
import dev.ssejaxrs.testing.ReceivedEvent;
import dev.ssejaxrs.testing.SseServerExtension;

class NumbersTest {
    @RegisterExtension        // a real Grizzly server on a free port, for the whole class
    static final SseServerExtension server = SseServerExtension.of(() -> new ResourceConfig(NumbersResource.class));

    @Test
    void sendsOneEventPerNumberThenEnds() {
        try (OpenEventStream stream = server.openStream("numbers")) {       // from=1, to=5 by default
            assertEquals(200, stream.status());
            List<ReceivedEvent> numbers = stream.collect(5, Duration.ofSeconds(5));
            assertEquals(List.of("1", "2", "3", "4", "5"), numbers.stream().map(ReceivedEvent::data).toList());
            stream.awaitEnd(Duration.ofSeconds(5));
        }
    }
}
// README: end NumbersTest
