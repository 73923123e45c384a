package dev.ssejaxrs.testing;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.WebTarget;
import jakarta.ws.rs.core.Response;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EventStreamClientTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    static final TestStreams streams = new TestStreams();

    @RegisterExtension
    static final SseServerExtension server = SseServerExtension.of(streams::application);

    @AfterEach
    void closeLeftoverSinks() {
        streams.opened.forEach(TestStreams.Opened::close);
        streams.opened.clear();
    }

    @Test
    void next_returnsTheFirstEvent_whileTheResourceIsStillRunning() {
        try (OpenEventStream stream = server.openStream("two-events")) {
            // the resource sends "second" only after the latch is released, so "first" must arrive on its own
            assertEquals(new ReceivedEvent("message", "first", "1", null), stream.next(WAIT));

            streams.secondEvent.countDown();

            assertEquals(new ReceivedEvent("last", "second", "2", null), stream.next(WAIT));
            stream.awaitEnd(WAIT);
        }
    }

    @Test
    void eventsSentOneByOne_arriveOneByOne() throws InterruptedException {
        try (OpenEventStream stream = server.openStream("hand-over")) {
            TestStreams.Opened opened = streams.nextOpened();
            for (int i = 0; i < 5; i++) {
                opened.send("event " + i);
                assertEquals("event " + i, stream.next(WAIT).data());
            }
        }
    }

    @Test
    void lastEventId_isSentOnlyWhenRequested() throws InterruptedException {
        try (OpenEventStream resumed = server.openStream("hand-over", "41")) {
            assertEquals("41", streams.nextOpened().lastEventId(), resumed.toString());
        }
        try (OpenEventStream fresh = server.openStream("hand-over")) {
            assertNull(streams.nextOpened().lastEventId(), fresh.toString());
        }
    }

    @Test
    void statusAndHeaders_areThoseOfTheResponse() throws InterruptedException {
        try (OpenEventStream stream = server.openStream("hand-over")) {
            assertAll(
                    () -> assertEquals(200, stream.status()),
                    () -> assertTrue(stream.header("Content-Type").startsWith("text/event-stream"),
                            stream.header("Content-Type")),
                    () -> assertEquals("yes", stream.header("x-test"), "header names are case-insensitive"),
                    () -> assertEquals(List.of("yes"), stream.headers().get("X-TEST")),
                    () -> assertNull(stream.header("X-Absent")));
        }
        try (OpenEventStream missing = server.openStream("no-such-path")) {
            assertEquals(404, missing.status());
            missing.awaitEnd(WAIT);
        }
    }

    @Test
    void next_whenTimeIsUp_failsListingEverythingThatArrived() throws InterruptedException {
        try (OpenEventStream stream = server.openStream("hand-over")) {
            TestStreams.Opened opened = streams.nextOpened();
            opened.send(opened.sse().newEventBuilder().id("7").name("update").data("one").build());
            opened.sendComment("ping");
            opened.send("two\nlines");
            assertEquals(2, stream.collect(2, WAIT).size());
            stream.awaitComment("ping"::equals, WAIT);

            AssertionError error = assertThrows(AssertionError.class, () -> stream.next(Duration.ofMillis(200)));

            String message = error.getMessage();
            assertAll(message,
                    () -> assertTrue(message.contains("expected an event within PT0.2S on GET " + server.baseUri())),
                    () -> assertTrue(message.contains("the stream is still open")),
                    () -> assertTrue(message.contains("Arrived so far: 3 (events already taken: 2)")),
                    () -> assertTrue(message.contains(
                            "1. event ReceivedEvent{type=\"update\" data=\"one\" lastEventId=\"7\"}")),
                    () -> assertTrue(message.contains("2. comment \"ping\"")),
                    () -> assertTrue(message.contains(
                            "3. event ReceivedEvent{type=\"message\" data=\"two\\nlines\" lastEventId=\"7\"}")));
        }
    }

    @Test
    void next_whenTheServerEndsTheStream_failsAtOnceSayingSo() throws InterruptedException {
        try (OpenEventStream stream = server.openStream("hand-over")) {
            TestStreams.Opened opened = streams.nextOpened();
            opened.send("only");
            opened.close();
            assertEquals("only", stream.next(WAIT).data());

            long start = System.nanoTime();
            AssertionError error = assertThrows(AssertionError.class, () -> stream.next(Duration.ofSeconds(60)));

            assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(WAIT) < 0, "did not wait for the timeout");
            assertTrue(error.getMessage().contains("the server ended the response"), error.getMessage());
            stream.awaitEnd(WAIT);
        }
    }

    @Test
    void awaitEventAndAwaitComment_searchIndependently() throws InterruptedException {
        try (OpenEventStream stream = server.openStream("hand-over")) {
            TestStreams.Opened opened = streams.nextOpened();
            opened.send("a");
            opened.sendComment("ping");
            opened.send(opened.sse().newEventBuilder().name("update").data("b").build());
            opened.send("c");

            assertEquals("ping", stream.awaitComment(c -> c.startsWith("pi"), WAIT));
            assertEquals("a", stream.next(WAIT).data(), "waiting for a comment took no event");
            assertEquals("b", stream.awaitEvent(e -> e.type().equals("update"), WAIT).data());
            assertEquals(List.of(ReceivedEvent.message("c")), stream.collect(1, WAIT));
            assertThrows(AssertionError.class, () -> stream.awaitComment("ping"::equals, Duration.ofMillis(100)),
                    "a comment is returned once");
        }
    }

    @Test
    void close_makesTheServerSeeTheClientGone() throws InterruptedException {
        OpenEventStream stream = server.openStream("hand-over");
        TestStreams.Opened opened = streams.nextOpened();
        opened.send("hello");
        assertEquals("hello", stream.next(WAIT).data());
        assertFalse(opened.clientGone(), "the client is still connected");

        stream.close();

        await().atMost(WAIT).until(opened::clientGone);
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                        .noneMatch(t -> t.getName().startsWith("sse-test-reader ")),
                "reader thread stopped: " + Thread.getAllStackTraces().keySet());
        AssertionError afterClose = assertThrows(AssertionError.class, () -> stream.next(WAIT));
        assertTrue(afterClose.getMessage().contains("closed by this client"), afterClose.getMessage());
        stream.close(); // idempotent
    }

    @Test
    void eventStreamReader_readsAJaxrsResponse() throws IOException {
        Response response = server.target("finite").request().get();
        List<String> comments = new ArrayList<>();
        List<ReceivedEvent> events = new ArrayList<>();
        try (EventStreamReader reader = EventStreamReader.of(response, comments::add)) {
            for (ReceivedEvent e = reader.next(); e != null; e = reader.next()) {
                events.add(e);
            }
        }
        assertEquals(List.of(
                new ReceivedEvent("message", "event 1", "1", null),
                new ReceivedEvent("message", "event 2", "2", null),
                new ReceivedEvent("message", "event 3", "3", null)), events);
        assertEquals(List.of("hello"), comments);
    }

    @Test
    void open_worksWithAnyTargetFromAJaxrsClient() {
        Client client = ClientBuilder.newClient();
        try (OpenEventStream stream = EventStreamClient.open(client.target(server.baseUri()).path("finite"))) {
            assertEquals("event 1", stream.next(WAIT).data());
            assertEquals(List.of("event 2", "event 3"), stream.collect(2, WAIT).stream().map(ReceivedEvent::data)
                    .toList());
            stream.awaitEnd(WAIT);
        } finally {
            client.close();
        }
    }

    @Test
    void open_whenNothingListens_failsNamingTheUri() throws IOException {
        int freePort;
        try (ServerSocket socket = new ServerSocket(0)) {
            freePort = socket.getLocalPort();
        }
        Client client = ClientBuilder.newClient();
        try {
            WebTarget nowhere = client.target("http://127.0.0.1:" + freePort + "/events");

            UncheckedIOException error = assertThrows(UncheckedIOException.class,
                    () -> EventStreamClient.open(nowhere));

            assertTrue(error.getMessage().startsWith("could not open GET http://127.0.0.1:" + freePort + "/events"),
                    error.getMessage());
        } finally {
            client.close();
        }
    }

    @Test
    void open_rejectsHeaderValuesThatWouldSplitTheRequest() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> EventStreamClient.open(server.target("hand-over"), "1\r\nX-Injected: yes"));
        assertEquals("header Last-Event-ID must not be null or contain CR, LF or NUL: \"1\\r\\nX-Injected: yes\"",
                error.getMessage());
    }
}
