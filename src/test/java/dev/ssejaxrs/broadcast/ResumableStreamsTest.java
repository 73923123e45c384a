package dev.ssejaxrs.broadcast;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.testing.OpenEventStream;
import dev.ssejaxrs.testing.ReceivedEvent;

/** Resumable streams in memory, over real HTTP: resume, the end, retention, cancel and every limit. */
class ResumableStreamsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private ResumableApp app(ResumableOptions.Builder options) {
        ResumableApp app = new ResumableApp(options.build());
        open.add(app);
        return app;
    }

    /** Emits {@code w1..w<words>}, one each time the test releases a permit, then returns {"words": n}. */
    private static ResumableStreams.Producer words(int words, Semaphore gate) {
        return emitter -> {
            for (int i = 1; i <= words; i++) {
                gate.acquire();
                emitter.emit(SseEvent.builder().event("token").data("w" + i).build());
            }
            return SseEvent.of("{\"words\":" + words + "}");
        };
    }

    private static List<String> data(List<ReceivedEvent> events) {
        return events.stream().map(ReceivedEvent::data).toList();
    }

    private static List<String> words(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> "w" + i).toList();
    }

    @Test
    void aResumeInTheMiddle_getsTheRestOnceEach_thenDone_andTheEnd() {
        ResumableApp app = app(ResumableOptions.builder());
        Semaphore gate = new Semaphore(4);
        String id = app.streams.start(words(10, gate));

        OpenEventStream first = app.resume(id, null);
        List<ReceivedEvent> seen = first.collect(4, WAIT);
        assertEquals(words(1, 4), data(seen));
        first.close(); // the tab reloads; the producer goes on
        gate.release(3);
        OpenEventStream again = app.resume(id, seen.get(3).lastEventId());
        assertEquals(words(5, 7), data(again.collect(3, WAIT)), "replayed, then live");
        gate.release(3);
        List<ReceivedEvent> rest = again.collect(4, WAIT);
        assertEquals(List.of("w8", "w9", "w10", "{\"words\":10}"), data(rest));
        assertEquals(ResumableStreams.DONE, rest.get(3).type());
        again.awaitEnd(WAIT);
    }

    @Test
    void aFinishedStream_isReplayedWholeThenEnds_andItsLastIdGets204() {
        ResumableApp app = app(ResumableOptions.builder());
        String id = app.streams.start(List.of("a", "b", "c").iterator());

        OpenEventStream whole = app.resume(id, null);
        List<ReceivedEvent> events = whole.collect(4, WAIT);
        whole.awaitEnd(WAIT);
        assertEquals(List.of("a", "b", "c", "{\"events\":3}"), data(events));
        OpenEventStream afterB = app.resume(id, events.get(1).lastEventId());
        assertEquals(List.of("c", "{\"events\":3}"), data(afterB.collect(2, WAIT)));
        afterB.awaitEnd(WAIT);
        assertEquals(204, app.resume(id, events.get(3).lastEventId()).status(), "the client has everything");
    }

    @Test
    void afterTheRetention_aResumeGets204_andAnIdNotMadeHereGets404() {
        ResumableApp app = app(ResumableOptions.builder().retention(Duration.ofMillis(300)));
        String id = app.streams.start(List.of("only").iterator());
        OpenEventStream whole = app.resume(id, null);
        assertEquals(List.of("only", "{\"events\":1}"), data(whole.collect(2, WAIT)));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> app.resume(id, null).status() == 204);

        OpenEventStream unknown = app.resume("not-a-stream-id", null);
        assertEquals(404, unknown.status());
        assertEquals(404, app.cancel("not-a-stream-id"));
    }

    @Test
    void cancel_interruptsTheProducer_andEndsItsStreamsWithCancelled() throws InterruptedException {
        ResumableApp app = app(ResumableOptions.builder());
        ResumableApp.Watched producer = new ResumableApp.Watched();
        String id = app.streams.start(producer.around(words(10, new Semaphore(2))));
        OpenEventStream listening = app.resume(id, null);
        assertEquals(words(1, 2), data(listening.collect(2, WAIT)));

        assertEquals(204, app.cancel(id));
        ReceivedEvent last = listening.next(WAIT);
        assertEquals(ResumableStreams.CANCELLED, last.type());
        listening.awaitEnd(WAIT);
        assertTrue(producer.interrupted(), "the producer was interrupted: " + producer.saw.get());
        assertEquals(0, app.streams.live());
        assertEquals(204, app.cancel(id), "cancelling a finished stream changes nothing");
        OpenEventStream later = app.resume(id, null);
        assertEquals(List.of("w1", "w2", "{\"cancelled\":true}"), data(later.collect(3, WAIT)));
        later.awaitEnd(WAIT);
    }

    @Test
    void eachLimit_endsTheStreamWithAnErrorNamingIt() {
        ResumableApp app = app(ResumableOptions.builder().maxEventsPerStream(3).maxBytesPerStream(100)
                .maxLiveStreams(1).timeToLive(Duration.ofMillis(500)));
        AtomicReference<Throwable> emitFailed = new AtomicReference<>();
        String tooMany = app.streams.start(emitter -> {
            try {
                for (int i = 1; i <= 5; i++) {
                    emitter.emit("e" + i);
                }
            } catch (CancellationException e) {
                emitFailed.set(e);
                throw e;
            }
            return null;
        });
        assertLastError(app, tooMany, List.of("e1", "e2", "e3"), "maxEventsPerStream");
        assertTrue(emitFailed.get() instanceof CancellationException, "emit told the producer to stop");

        String tooBig = app.streams.start(List.of("x".repeat(40), "y".repeat(40), "z".repeat(40)).iterator());
        assertLastError(app, tooBig, List.of("x".repeat(40), "y".repeat(40)), "maxBytesPerStream");

        Semaphore never = new Semaphore(0);
        String tooLong = app.streams.start(words(3, never));
        ResumableLimitException refused = assertThrows(ResumableLimitException.class,
                () -> app.streams.start(List.of().iterator()));
        assertEquals("maxLiveStreams", refused.limit());
        assertEquals(429, refused.getResponse().getStatus());
        assertTrue(refused.getMessage().contains("maxLiveStreams"), refused.getMessage());
        assertLastError(app, tooLong, List.of(), "timeToLive");
        await().atMost(WAIT).until(() -> app.streams.live() == 0);
        app.streams.start(List.of().iterator()); // room again
    }

    private static void assertLastError(ResumableApp app, String id, List<String> before, String limit) {
        OpenEventStream stream = app.resume(id, null);
        List<ReceivedEvent> events = stream.collect(before.size() + 1, WAIT);
        stream.awaitEnd(WAIT);
        assertEquals(before, data(events.subList(0, before.size())));
        ReceivedEvent last = events.get(before.size());
        assertEquals(ResumableStreams.ERROR, last.type(), last.toString());
        assertTrue(last.data().startsWith("{\"error\":") && last.data().contains(limit), last.data());
    }

    @Test
    void aPublisherProducer_isStoredOneItemAtATime_andAFailingProducerEndsWithAnErrorThatHidesItsMessage() {
        ResumableApp app = app(ResumableOptions.builder());
        SubmissionPublisher<String> publisher = new SubmissionPublisher<>();
        String id = app.streams.startPublisher(publisher);
        OpenEventStream stream = app.resume(id, null);
        await().atMost(WAIT).until(() -> publisher.getNumberOfSubscribers() == 1);
        publisher.submit("p1");
        publisher.submit("p2");
        publisher.close();
        assertEquals(List.of("p1", "p2", "{\"events\":2}"), data(stream.collect(3, WAIT)));
        stream.awaitEnd(WAIT);

        String failing = app.streams.start(emitter -> {
            emitter.emit("before");
            throw new IllegalStateException("password=hunter2");
        });
        OpenEventStream broken = app.resume(failing, null);
        List<ReceivedEvent> events = broken.collect(2, WAIT);
        assertEquals("before", events.get(0).data());
        assertEquals(ResumableStreams.ERROR, events.get(1).type());
        assertFalse(events.get(1).data().contains("hunter2"), events.get(1).data());
        broken.awaitEnd(WAIT);
    }
}
