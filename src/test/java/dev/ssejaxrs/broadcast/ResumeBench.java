package dev.ssejaxrs.broadcast;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.redis.RedisOptions;
import dev.ssejaxrs.redis.RedisProcess;
import dev.ssejaxrs.test.RawClient;

/**
 * What resumable streams cost: the heap of a finished stream kept for resumes (with no events, and per event), and
 * the time of a resume over HTTP that replays 10,000 stored events, in memory and on a local redis-server. Not a
 * test; run it with:
 *
 * <pre>
 * mvn -q test-compile org.codehaus.mojo:exec-maven-plugin:3.5.0:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.ssejaxrs.broadcast.ResumeBench
 * </pre>
 */
public final class ResumeBench {
    private static final int STREAMS = 2_000;
    private static final int EVENTS = 10_000;

    private ResumeBench() {
    }

    public static void main(String[] args) throws Exception {
        long empty = retainedBytes(0);
        long hundred = retainedBytes(100);
        System.out.printf("a finished stream kept for resumes: %,d bytes with no event; %,d bytes per event of"
                + " 20 bytes of data%n", empty / STREAMS, (hundred - empty) / (STREAMS * 100L));

        System.out.printf("resume replaying %,d events, in memory: %s%n", EVENTS,
                resumeMillis(ResumableOptions.builder().build()));
        try (RedisProcess redis = RedisProcess.start()) {
            System.out.printf("resume replaying %,d events, on Redis: %s%n", EVENTS, resumeMillis(ResumableOptions
                    .builder().redis(RedisOptions.builder(redis.uri()).keyPrefix("bench").build()).build()));
        }
        System.exit(0);
    }

    /** The heap that {@value #STREAMS} finished streams of {@code events} events each keep. */
    private static long retainedBytes(int events) throws InterruptedException {
        long before = usedHeap();
        try (ResumableStreams streams = new ResumableStreams(ResumableOptions.builder()
                .maxLiveStreams(STREAMS).build())) {
            for (int s = 0; s < STREAMS; s++) {
                streams.start(emitter -> {
                    for (int i = 0; i < events; i++) {
                        emitter.emit(SseEvent.builder().event("token").data("twenty bytes of text").build());
                    }
                    return null;
                });
            }
            while (streams.live() > 0) {
                Thread.sleep(10);
            }
            long after = usedHeap();
            return after - before;
        }
    }

    private static long usedHeap() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }

    /** Milliseconds of five resumes (after a warm-up) from the first of {@value #EVENTS} events, to the end. */
    private static String resumeMillis(ResumableOptions options) throws InterruptedException {
        ResumableApp app = new ResumableApp(options);
        try {
            String id = app.streams.start(emitter -> {
                for (int i = 0; i < EVENTS; i++) {
                    emitter.emit(SseEvent.builder().event("token").data("twenty bytes of text").build());
                }
                return null;
            });
            while (app.streams.live() > 0) {
                Thread.sleep(10);
            }
            List<Long> millis = new ArrayList<>();
            for (int round = 0; round < 8; round++) {
                long start = System.nanoTime();
                try (RawClient client = RawClient.get(app.server.port, "/answers/" + id)) {
                    String body = client.readToEnd(Duration.ofMinutes(1));
                    if (!body.contains("event: done")) {
                        throw new IllegalStateException("the resume did not end with done: " + body.length());
                    }
                }
                if (round >= 3) {
                    millis.add((System.nanoTime() - start) / 1_000_000);
                }
            }
            long[] sorted = millis.stream().mapToLong(Long::longValue).sorted().toArray();
            return "median " + sorted[sorted.length / 2] + " ms of " + Arrays.toString(sorted);
        } finally {
            app.close();
        }
    }
}
