package dev.ssejaxrs.internal.grizzly;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;

import jakarta.inject.Provider;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.util.CharChunk;
import org.glassfish.grizzly.http.util.Parameters;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.stream.EventStream;
import dev.ssejaxrs.test.TestServer;
import dev.ssejaxrs.testing.EventStreamClient;
import dev.ssejaxrs.testing.OpenEventStream;

/**
 * An idle stream on Grizzly holds no parameter-decoding scratch space: the 4 KB Grizzly gives each request is gone
 * once the stream runs. Fails if Grizzly renames the fields (then the release silently does nothing).
 */
class ParameterScratchTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** Streams one event, then stays open; hands the test the Grizzly request it serves. */
    @Path("/idle")
    public static final class Idle {
        static final CompletableFuture<Request> SERVED = new CompletableFuture<>();
        static final SubmissionPublisher<String> EVENTS = new SubmissionPublisher<>();

        @Context
        Provider<Request> request;

        @GET
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public EventStream get() {
            SERVED.complete(request.get());
            Flow.Publisher<String> events = subscriber -> {
                EVENTS.subscribe(subscriber);
                EVENTS.submit("open");
            };
            return EventStream.of(events);
        }
    }

    @Test
    void aStreamingRequest_holdsNoParameterBuffers() throws Exception {
        Client client = ClientBuilder.newClient();
        try (TestServer server = TestServer.start(Idle.class);
                OpenEventStream stream = EventStreamClient.open(
                        client.target("http://127.0.0.1:" + server.port).path("idle").queryParam("a", "b"))) {
            assertEquals("open", stream.next(WAIT).data());
            Request request = Idle.SERVED.get();
            await().atMost(WAIT).untilAsserted(() -> {
                assertNull(buffer(request, "tmpNameC"));
                assertNull(buffer(request, "tmpValueC"));
            });
            // the request object Grizzly reuses still decodes parameters: the buffer comes back on demand
            assertEquals("b", request.getParameter("a"));
            assertNotNull(buffer(request, "tmpNameC"));
        } finally {
            Idle.EVENTS.close();
            client.close();
        }
    }

    /** The length of the named parameter buffer, or {@code null} when it has none. */
    private static Integer buffer(Request request, String field) throws ReflectiveOperationException {
        Field chunk = Parameters.class.getDeclaredField(field);
        chunk.setAccessible(true);
        char[] buffer = ((CharChunk) chunk.get(request.getParameters())).getBuffer();
        return buffer == null ? null : buffer.length;
    }
}
