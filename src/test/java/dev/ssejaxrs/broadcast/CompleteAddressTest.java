package dev.ssejaxrs.broadcast;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.internal.store.AddressCompleteException;
import dev.ssejaxrs.redis.RedisOptions;
import dev.ssejaxrs.redis.RedisProcess;
import dev.ssejaxrs.stream.StreamOptions;
import dev.ssejaxrs.test.TestServer;
import dev.ssejaxrs.testing.EventStreamClient;
import dev.ssejaxrs.testing.OpenEventStream;
import dev.ssejaxrs.testing.ReceivedEvent;

/**
 * {@code registry.complete(address, last)} on both stores, over real HTTP: every subscriber (on every node) gets the
 * last event then the end; later subscribers get 204, or what they missed, the last event and the end.
 */
class CompleteAddressTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    @RegisterExtension
    static final RedisProcess redis = RedisProcess.perTestClass();
    private final List<AutoCloseable> open = new ArrayList<>();
    private final Client client = ClientBuilder.newClient();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        client.close();
    }

    /** Two nodes: on one Redis (one key prefix per test), or two apart in memory (then only the first is used). */
    private List<EventRegistry> registries(String store) {
        String prefix = "complete" + PREFIXES.incrementAndGet();
        List<EventRegistry> nodes = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            RegistryOptions.Builder options = RegistryOptions.builder()
                    .streamOptions(StreamOptions.builder().pingInterval(Duration.ofMillis(500)).build());
            if (store.equals("redis")) {
                options.redis(RedisOptions.builder(redis.uri()).keyPrefix(prefix).build());
            }
            EventRegistry registry = new EventRegistry(options.build());
            open.add(registry);
            nodes.add(registry);
        }
        return nodes;
    }

    private TestServer serve(EventRegistry registry) {
        TestServer server = BroadcastApp.serve(registry);
        open.add(server);
        return server;
    }

    private OpenEventStream stream(TestServer server, String path, Map<String, String> headers) {
        OpenEventStream stream = EventStreamClient.open(client.target("http://127.0.0.1:" + server.port + "/" + path),
                headers);
        open.add(stream);
        return stream;
    }

    private static String publish(EventRegistry registry, String topic, String data) {
        return registry.publish(topic, SseEvent.of(data)).toCompletableFuture().orTimeout(20, TimeUnit.SECONDS)
                .join().id();
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "redis"})
    void everySubscriberGetsTheLastEventThenTheEnd_onEveryNode(String store) {
        List<EventRegistry> nodes = registries(store);
        EventRegistry a = nodes.get(0);
        EventRegistry b = store.equals("redis") ? nodes.get(1) : a;
        TestServer onA = serve(a);
        TestServer onB = b == a ? onA : serve(b);
        OpenEventStream first = stream(onA, "topics/job", Map.of());
        OpenEventStream second = stream(onB, "topics/job", Map.of());
        await().atMost(WAIT).until(() -> a.stats(Address.topic("job")).subscribers()
                + (b == a ? 0 : b.stats(Address.topic("job")).subscribers()) == 2);
        publish(a, "job", "step 1");
        String lastId = a.complete(Address.topic("job"), SseEvent.builder().event("done").data("2 steps")
                .id("my-own-id").build()).toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join().id();
        for (OpenEventStream stream : List.of(first, second)) {
            List<ReceivedEvent> events = stream.collect(2, WAIT);
            assertEquals(List.of("step 1", "2 steps"), events.stream().map(ReceivedEvent::data).toList());
            assertEquals("done", events.get(1).type());
            assertEquals(lastId, events.get(1).lastEventId(), "the last event has the registry's id, not its own");
            stream.awaitEnd(WAIT);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "redis"})
    void afterTheEnd_aNewSubscriberGets204_anEarlierIdGetsTheRestThenTheEnd_theLastIdGets204(String store) {
        EventRegistry registry = registries(store).get(0);
        TestServer server = serve(registry);
        String one = publish(registry, "build", "compiling");
        publish(registry, "build", "testing");
        String last = registry.complete(Address.topic("build"), SseEvent.builder().event("done").data("ok").build())
                .toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join().id();

        OpenEventStream fresh = stream(server, "topics/build", Map.of());
        assertEquals(204, fresh.status(), "a browser's EventSource stops on 204");

        OpenEventStream resumed = stream(server, "topics/build", Map.of("Last-Event-ID", one));
        assertEquals(200, resumed.status());
        List<ReceivedEvent> rest = resumed.collect(2, WAIT);
        assertEquals(List.of("testing", "ok"), rest.stream().map(ReceivedEvent::data).toList());
        resumed.awaitEnd(WAIT);

        assertEquals(204, stream(server, "topics/build", Map.of("Last-Event-ID", last)).status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "redis"})
    void aCompleteAddressRefusesEvents_andASecondEnd(String store) {
        EventRegistry registry = registries(store).get(0);
        publish(registry, "report", "page 1");
        registry.complete(Address.topic("report")).toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join();

        Throwable refused = assertThrows(RuntimeException.class, () -> publish(registry, "report", "page 2"));
        Throwable cause = refused instanceof CompletionException ? refused.getCause() : refused;
        assertInstanceOf(AddressCompleteException.class, cause, String.valueOf(cause));
        Throwable again = assertThrows(CompletionException.class, () -> registry.complete(Address.topic("report"))
                .toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join());
        assertInstanceOf(AddressCompleteException.class, again.getCause(), String.valueOf(again.getCause()));
        assertEquals(1, publishOk(registry, "another-report"), "other addresses are not touched");
    }

    private static int publishOk(EventRegistry registry, String topic) {
        publish(registry, topic, "x");
        return 1;
    }
}
