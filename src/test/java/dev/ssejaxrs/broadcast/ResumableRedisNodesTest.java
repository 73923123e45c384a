package dev.ssejaxrs.broadcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.redis.RedisOptions;
import dev.ssejaxrs.redis.RedisProcess;
import dev.ssejaxrs.stream.StreamOptions;
import dev.ssejaxrs.testing.OpenEventStream;
import dev.ssejaxrs.testing.ReceivedEvent;

/**
 * Resumable streams on two Grizzly nodes sharing one real redis-server: a stream started on A is resumed on B (in
 * the middle, and after it finished), and cancelled from B while its producer runs on A.
 */
class ResumableRedisNodesTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    @RegisterExtension
    static final RedisProcess redis = RedisProcess.perTestClass();
    private static ResumableApp a;
    private static ResumableApp b;

    @BeforeAll
    static void startNodes() {
        ResumableOptions options = ResumableOptions.builder()
                .redis(RedisOptions.builder(redis.uri()).keyPrefix("answers").build())
                .streamOptions(StreamOptions.builder().pingInterval(Duration.ofMillis(500)).build())
                .build();
        a = new ResumableApp(options);
        b = new ResumableApp(options);
    }

    @AfterAll
    static void stopNodes() {
        b.close();
        a.close();
    }

    private static List<String> data(List<ReceivedEvent> events) {
        return events.stream().map(ReceivedEvent::data).toList();
    }

    @Test
    void aStreamStartedOnA_resumesOnBInTheMiddle_andAfterItFinished() {
        Semaphore gate = new Semaphore(3);
        String id = a.streams.start(emitter -> {
            for (int i = 1; i <= 6; i++) {
                gate.acquire();
                emitter.emit(SseEvent.builder().event("token").data("w" + i).build());
            }
            return SseEvent.of("{\"words\":6}");
        });
        OpenEventStream onA = a.resume(id, null);
        List<ReceivedEvent> seen = onA.collect(3, WAIT);
        assertEquals(List.of("w1", "w2", "w3"), data(seen));
        onA.close();

        OpenEventStream onB = b.resume(id, seen.get(2).lastEventId()); // the load balancer moved the client
        gate.release(3);
        List<ReceivedEvent> rest = onB.collect(4, WAIT);
        assertEquals(List.of("w4", "w5", "w6", "{\"words\":6}"), data(rest), "each word once, in order");
        assertEquals(ResumableStreams.DONE, rest.get(3).type());
        onB.awaitEnd(WAIT);

        OpenEventStream whole = b.resume(id, null);
        assertEquals(List.of("w1", "w2", "w3", "w4", "w5", "w6", "{\"words\":6}"), data(whole.collect(7, WAIT)));
        whole.awaitEnd(WAIT);
        assertEquals(204, a.resume(id, rest.get(3).lastEventId()).status());
    }

    @Test
    void cancelOnB_stopsTheProducerOnA_andEveryStreamEndsWithCancelled() throws InterruptedException {
        ResumableApp.Watched producer = new ResumableApp.Watched();
        Semaphore gate = new Semaphore(1);
        String id = a.streams.start(producer.around(emitter -> {
            for (int i = 1; i <= 100; i++) {
                gate.acquire(); // waits here, emitting nothing, when the cancel comes
                emitter.emit("w" + i);
            }
            return null;
        }));
        OpenEventStream onA = a.resume(id, null);
        OpenEventStream onB = b.resume(id, null);
        assertEquals("w1", onA.next(WAIT).data());
        assertEquals("w1", onB.next(WAIT).data());

        assertEquals(204, b.cancel(id));
        for (OpenEventStream stream : List.of(onA, onB)) {
            assertEquals(ResumableStreams.CANCELLED, stream.next(WAIT).type());
            stream.awaitEnd(WAIT);
        }
        assertTrue(producer.interrupted(), "A learned of the cancel through Redis: " + producer.saw.get());
        assertEquals(0, a.streams.live());
        assertEquals(404, b.cancel("mx0000000-" + "A".repeat(22)), "an id Redis never saw");
    }
}
