package dev.ssejaxrs.testing;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.stream.CloseReason;
import dev.ssejaxrs.stream.EventStream;
import dev.ssejaxrs.stream.StreamOptions;

/** The test client against a real server: incremental events, Last-Event-ID, failures that say what arrived. */
class OpenEventStreamTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Streams what the test pushes into {@link #live}; records how the stream ended. */
    @Path("/")
    public static final class Live {
        final AtomicReference<SubmissionPublisher<Object>> live = new AtomicReference<>();
        final List<CloseReason> closes = new CopyOnWriteArrayList<>();

        @GET
        @Path("live")
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public EventStream live() {
            SubmissionPublisher<Object> publisher = new SubmissionPublisher<>();
            live.set(publisher);
            return EventStream.of(publisher, StreamOptions.builder()
                    .pingInterval(Duration.ofMillis(100)).onClose(closes::add).build());
        }

        @GET
        @Path("resume")
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public EventStream resume(@HeaderParam("Last-Event-ID") String lastEventId) {
            return EventStream.of(List.of(SseEvent.builder().id("9").data("after " + lastEventId).build()));
        }
    }

    private static final Live RESOURCE = new Live();

    @RegisterExtension
    static final JerseyServerExtension SERVER = new JerseyServerExtension(() -> new ResourceConfig().register(RESOURCE));

    @RegisterExtension
    static final JerseyServerExtension OTHER = new JerseyServerExtension(() -> new ResourceConfig().register(new Live()));

    private static SubmissionPublisher<Object> awaitPublisher() {
        await().atMost(WAIT).until(() -> RESOURCE.live.get() != null && RESOURCE.live.get().hasSubscribers());
        return RESOURCE.live.get();
    }

    @Test
    void eventsArriveWhileTheResponseIsStillOpen() {
        RESOURCE.live.set(null);
        try (OpenEventStream stream = SERVER.openStream("live")) {
            assertEquals(200, stream.status());
            assertEquals("text/event-stream;charset=UTF-8", stream.contentType());
            assertEquals("no-store", stream.header("Cache-Control"));
            SubmissionPublisher<Object> live = awaitPublisher();
            live.submit(SseEvent.builder().event("first").data("1").build());
            assertEquals(new ReceivedEvent("first", "1", "", List.of()).type(), stream.next(WAIT).type());
            live.submit("2");
            live.submit("3");
            assertEquals(List.of("2", "3"), stream.collect(2, WAIT).stream().map(ReceivedEvent::data).toList());
            assertTrue(stream.awaitComment(c -> c.startsWith("ping - "), WAIT).startsWith("ping - "));
            live.close();
            assertEquals(List.of(), stream.awaitEnd(WAIT));
        }
    }

    @Test
    void lastEventId_isSentWhenAsked() {
        try (OpenEventStream stream = SERVER.openStream("resume", "41")) {
            ReceivedEvent event = stream.next(WAIT);
            assertEquals("after 41", event.data());
            assertEquals("9", event.lastEventId());
        }
    }

    @Test
    void aWaitThatFails_saysWhatArrived() {
        RESOURCE.live.set(null);
        try (OpenEventStream stream = SERVER.openStream("live")) {
            awaitPublisher().submit("only one");
            stream.next(WAIT);
            AssertionError error = assertThrows(AssertionError.class,
                    () -> stream.awaitEvent(e -> e.data().equals("never"), Duration.ofMillis(300)));
            assertTrue(error.getMessage().contains("data=\"only one\""), error.getMessage());
            assertTrue(error.getMessage().contains("expected a matching event within PT0.3S"), error.getMessage());
        }
    }

    @Test
    void closing_disconnects_andTheServerSeesTheClientGo() {
        RESOURCE.live.set(null);
        RESOURCE.closes.clear();
        OpenEventStream stream = SERVER.openStream("live");
        awaitPublisher().submit("hello");
        assertEquals("hello", stream.next(WAIT).data());
        stream.close();
        await().atMost(WAIT).until(() -> RESOURCE.closes.contains(CloseReason.CLIENT_GONE));
        await().atMost(WAIT).until(() -> !RESOURCE.live.get().hasSubscribers());
    }

    @Test
    void twoServersInOneClass_areSeparate() {
        assertNotEquals(SERVER.baseUri(), OTHER.baseUri());
        try (OpenEventStream a = SERVER.openStream("resume", "a"); OpenEventStream b = OTHER.openStream("resume", "b")) {
            assertEquals("after a", a.next(WAIT).data());
            assertEquals("after b", b.next(WAIT).data());
        }
    }

    @Test
    void aNon200Answer_isReportedNotHung() {
        try (OpenEventStream stream = SERVER.openStream("missing")) {
            assertEquals(404, stream.status());
            AssertionError error = assertThrows(AssertionError.class, () -> stream.next(WAIT));
            assertTrue(error.getMessage().contains("status 404"), error.getMessage());
        }
    }
}
