package dev.ssejaxrs.stream;

import dev.ssejaxrs.test.RawClient;
import dev.ssejaxrs.test.TestServer;

import java.util.function.Consumer;
import java.util.function.Supplier;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.SseEventSink;

/** Resources for tests: each serves what the test supplies. */
final class Endpoints {
    private Endpoints() {
    }

    /** {@code GET /s} returns the supplied stream. */
    @Path("/s")
    public static final class Returning {
        private final Supplier<Object> stream;

        Returning(Supplier<Object> stream) {
            this.stream = stream;
        }

        @GET
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public Object get() {
            return stream.get();
        }
    }

    /** {@code GET /sink} hands the injected sink to the test. */
    @Path("/sink")
    public static final class Sink {
        private final Consumer<SseEventSink> handler;

        Sink(Consumer<SseEventSink> handler) {
            this.handler = handler;
        }

        @GET
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public void get(@Context SseEventSink sink) {
            handler.accept(sink);
        }
    }

    static TestServer serving(Supplier<Object> stream) {
        return TestServer.start(new Returning(stream));
    }
}
