package dev.ssejaxrs.stream;

import java.time.Duration;
import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.SseEventSink;

import org.junit.jupiter.api.Test;

class SmokeTest {
    @Path("/")
    public static class R {
        @GET @Path("ret") @Produces(MediaType.SERVER_SENT_EVENTS)
        public EventStream ret() {
            return EventStream.of(List.of("a", "b"));
        }

        @GET @Path("sink") @Produces(MediaType.SERVER_SENT_EVENTS)
        public void sink(@Context SseEventSink sink) {
            EventStream.of(List.of("a", "b")).sendTo(sink);
        }
    }

    @Test
    void smoke() {
        try (TestServer s = TestServer.start(R.class)) {
            for (String p : List.of("/ret", "/sink")) {
                try (RawClient c = s.get(p)) {
                    System.out.println(p + " " + c.status() + " " + c.headers("content-type") + " "
                            + c.header("cache-control") + " " + c.header("x-accel-buffering"));
                    System.out.println(RawClient.show(c.readToEnd(Duration.ofSeconds(5))));
                }
            }
            System.out.println("active " + s.runtime().activeStreams());
        }
    }
}
