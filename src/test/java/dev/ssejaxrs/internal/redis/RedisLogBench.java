package dev.ssejaxrs.internal.redis;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.redis.RedisOptions;
import dev.ssejaxrs.redis.RedisProcess;

/**
 * A benchmark, not a test: publish on one node at a fixed rate to many addresses, read on another node (both on one
 * embedded Redis), and report the publish-to-listener latency. Arguments: addresses, events, rate per second.
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat cp.txt) dev.ssejaxrs.redis.RedisLogBench 1000 20000 2000
 * </pre>
 */
public final class RedisLogBench {
    private RedisLogBench() {
    }

    public static void main(String[] args) throws Exception {
        int addresses = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int events = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        long[] latencies = new long[events];
        ConcurrentHashMap<String, Long> sentAt = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(events);
        int[] received = new int[1];
        try (RedisProcess redis = RedisProcess.start()) {
            RedisOptions options = RedisOptions.builder(redis.uri()).keyPrefix("bench").build();
            RedisEventLog.Listener listener = (address, entry) -> {
                Long at = sentAt.remove(entry.event().data());
                if (at != null) {
                    latencies[received[0]++] = System.nanoTime() - at;
                    done.countDown();
                }
            };
            try (RedisEventLog reader = RedisEventLog.start(options, listener);
                 RedisEventLog publisher = RedisEventLog.start(options, (a, e) -> { })) {
                String start = publisher.latestId().toCompletableFuture().join();
                Address[] all = new Address[addresses];
                for (int i = 0; i < addresses; i++) {
                    all[i] = Address.topic("bench-" + i);
                    reader.follow(all[i], start);
                }
                long began = System.nanoTime();
                long interval = 1_000_000_000L / rate;
                CompletableFuture<?> last = null;
                for (int i = 0; i < events; i++) {
                    long due = began + i * interval;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait); // fixed-rate pacing
                    }
                    String data = Integer.toString(i);
                    sentAt.put(data, System.nanoTime());
                    last = publisher.append(List.of(all[i % addresses]), SseEvent.of(data)).toCompletableFuture();
                }
                last.join();
                boolean all_ = done.await(60, TimeUnit.SECONDS);
                double seconds = (System.nanoTime() - began) / 1e9;
                long[] sorted = Arrays.copyOf(latencies, received[0]);
                Arrays.sort(sorted);
                System.out.printf("addresses=%d events=%d rate=%d/s received=%d%s in %.1f s%n", addresses, events,
                        rate, received[0], all_ ? "" : " (INCOMPLETE)", seconds);
                System.out.printf("publish-to-listener latency ms: p50=%.2f p99=%.2f p999=%.2f max=%.2f%n",
                        pct(sorted, 0.50), pct(sorted, 0.99), pct(sorted, 0.999), sorted[sorted.length - 1] / 1e6);
                System.out.printf("connections of the reading node: %s%n",
                        redis.connectionsNamed("sse:" + reader.nodeId()));
            }
        }
    }

    private static double pct(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))] / 1e6;
    }
}
