package dev.ssejaxrs.readme;

// README: begin PriceStreamTest
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.time.Duration;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.ssejaxrs.testing.OpenEventStream;
import dev.ssejaxrs.testing.ReceivedEvent;
import dev.ssejaxrs.testing.SseServerExtension;

class PriceStreamTest {
    @Path("prices")
    public static class PriceResource {
        @GET
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public void prices(@Context SseEventSink sink, @Context Sse sse) throws IOException {
            try (sink) {
                sink.send(sse.newEventBuilder().id("1").name("price").data("42").build());
                sink.send(sse.newEventBuilder().comment("ping").build());
                sink.send(sse.newEventBuilder().id("2").name("price").data("43").build());
            }
        }
    }

    @RegisterExtension
    static final SseServerExtension server = SseServerExtension.of(() -> new ResourceConfig(PriceResource.class));

    @Test
    void streamsPrices() {
        try (OpenEventStream stream = server.openStream("prices")) {
            assertEquals(200, stream.status());
            ReceivedEvent price = stream.next(Duration.ofSeconds(5));
            assertEquals("price", price.type());             // event: ("message" when it has none)
            assertEquals("42", price.data());                // data:
            assertEquals("1", price.lastEventId());          // id:
            assertEquals("ping", stream.awaitComment(c -> true, Duration.ofSeconds(5)));
            assertEquals("43", stream.next(Duration.ofSeconds(5)).data());
            stream.awaitEnd(Duration.ofSeconds(5));
        }
    }
}
// README: end PriceStreamTest
