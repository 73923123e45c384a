package dev.ssejaxrs.integration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.config.PropertyNamingStrategy;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.sse.Sse;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.stream.CloseReason;
import dev.ssejaxrs.stream.EventStream;
import dev.ssejaxrs.stream.EventStreamFeature;
import dev.ssejaxrs.test.TestServer;

/**
 * Objects sent as event data are written with the application's own JSON (its {@code MessageBodyWriter}, else its
 * {@code ContextResolver<Jsonb>}), and standard {@code OutboundSseEvent}s are written as the events they describe.
 */
class ApplicationJsonTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Jackson and JSON-B disagree on it: a renamed property (Jackson's annotation) and a null (JSON-B omits it). */
    public static class Quote {
        @JsonProperty("sym")
        public String symbolName = "ACME";
        public Integer priceCents = 4200;
        public String note;
    }

    @Path("/")
    public static class QuoteResource {
        @GET
        @Path("quote")
        @Produces(MediaType.APPLICATION_JSON)
        public Quote quote() {
            return new Quote();
        }

        @GET
        @Path("quotes")
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public EventStream quotes() {
            return EventStream.of(List.of(new Quote(), new Quote()));
        }

        @GET
        @Path("standard")
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public EventStream standard(@Context Sse sse) {
            return EventStream.of(List.of(
                    sse.newEventBuilder().name("quote").id("7").comment("first").reconnectDelay(3000)
                            .mediaType(MediaType.APPLICATION_JSON_TYPE).data(Quote.class, new Quote()).build(),
                    sse.newEventBuilder().data("line 1\nline 2").build(),
                    sse.newEventBuilder().name("bad\nevent: injected").data("x").build(),
                    "never sent"));
        }
    }

    /** An application whose JSON-B names properties in snake case. */
    public static class SnakeCaseJsonb implements ContextResolver<Jsonb> {
        static final Jsonb JSONB = JsonbBuilder.create(new JsonbConfig()
                .withPropertyNamingStrategy(PropertyNamingStrategy.LOWER_CASE_WITH_UNDERSCORES));

        @Override
        public Jsonb getContext(Class<?> type) {
            return JSONB;
        }
    }

    @Test
    void jacksonApplication_streamsTheSameJsonAsItsResponses() {
        try (TestServer server = TestServer.start(new ResourceConfig(QuoteResource.class))) {
            String appJson = server.get("/quote").readToEnd(WAIT);
            assertTrue(appJson.contains("\"sym\":\"ACME\"") && appJson.contains("\"note\":null"), appJson);
            assertEquals("data: " + appJson + "\r\n\r\ndata: " + appJson + "\r\n\r\n",
                    server.get("/quotes").readToEnd(WAIT));
        }
    }

    @Test
    void contextResolverOfJsonb_namesTheStreamsProperties() {
        ResourceConfig app = new ResourceConfig(QuoteResource.class, EventStreamFeature.class, SnakeCaseJsonb.class)
                .property(ServerProperties.FEATURE_AUTO_DISCOVERY_DISABLE, true); // no Jackson
        String appJson = SnakeCaseJsonb.JSONB.toJson(new Quote());
        assertNotEquals(SseEvent.json(new Quote()).data(), appJson);
        assertTrue(appJson.contains("\"price_cents\":4200"), appJson);
        try (TestServer server = TestServer.start(app)) {
            assertEquals("data: " + appJson + "\r\n\r\n" + "data: " + appJson + "\r\n\r\n",
                    server.get("/quotes").readToEnd(WAIT));
        }
    }

    @Test
    void outboundSseEvent_isWrittenAsTheEventItDescribes_withTheLibrarysValidation() {
        try (TestServer server = TestServer.start(new ResourceConfig(QuoteResource.class))) {
            String appJson = server.get("/quote").readToEnd(WAIT);
            String body = server.get("/standard").readToEnd(WAIT);
            assertEquals(": first\r\nid: 7\r\nevent: quote\r\ndata: " + appJson + "\r\nretry: 3000\r\n\r\n"
                    + "data: line 1\r\ndata: line 2\r\n\r\n", body);
            assertFalse(body.contains("injected"), body);
            // counted once the response has ended: wait for it
            await().atMost(WAIT).until(() -> server.runtime().streamsEnded(CloseReason.ENCODING_ERROR) == 1);
        }
    }
}
