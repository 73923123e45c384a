package dev.ssejaxrs.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.net.URI;
import java.time.Duration;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two extensions in one JVM (here even in one class, running at the same time) never share a server. */
class TwoServersTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @RegisterExtension
    static final SseServerExtension first = SseServerExtension.of(() -> new ResourceConfig().register(new Who("first")));

    @RegisterExtension
    static final SseServerExtension second = SseServerExtension.of(() -> new ResourceConfig().register(new Who("second")));

    private static URI firstBaseUri;

    @BeforeAll
    static void rememberTheServer() {
        firstBaseUri = first.baseUri();
    }

    /** Answers with the name of the server it runs in. */
    @Path("who")
    public static final class Who {
        private final String name;

        Who(String name) {
            this.name = name;
        }

        @GET
        public String name() {
            return name;
        }

        @GET
        @Path("stream")
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public void stream(@Context SseEventSink sink, @Context Sse sse) throws java.io.IOException {
            try (sink) {
                sink.send(sse.newEvent(name));
            }
        }
    }

    @Test
    void eachExtensionRunsItsOwnServerOnItsOwnPort() {
        assertNotEquals(first.baseUri().getPort(), second.baseUri().getPort());
        assertEquals("127.0.0.1", first.baseUri().getHost());
        assertEquals("first", first.target("who").request().get(String.class));
        assertEquals("second", second.target("who").request().get(String.class));
    }

    @Test
    void streamsOpenOnBothServersAtOnceReceiveOnlyTheirOwnEvents() {
        try (OpenEventStream fromFirst = first.openStream("who/stream");
             OpenEventStream fromSecond = second.openStream("who/stream")) {
            assertEquals(ReceivedEvent.message("second"), fromSecond.next(WAIT));
            assertEquals(ReceivedEvent.message("first"), fromFirst.next(WAIT));
            fromFirst.awaitEnd(WAIT);
            fromSecond.awaitEnd(WAIT);
        }
    }

    @Nested
    class NestedTests {
        @Test
        void aNestedClassKeepsTheOuterClassesServer() {
            assertEquals(firstBaseUri, first.baseUri());
            assertEquals("first", first.target("who").request().get(String.class));
        }
    }
}
