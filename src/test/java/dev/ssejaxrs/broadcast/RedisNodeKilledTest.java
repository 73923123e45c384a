package dev.ssejaxrs.broadcast;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.redis.RedisOptions;
import dev.ssejaxrs.redis.RedisProcess;
import dev.ssejaxrs.testing.EventStreamClient;
import dev.ssejaxrs.testing.OpenEventStream;

/**
 * A node killed with {@code kill -9} while its recipients are connected (issue 29): it leaves its presence behind
 * for {@code presenceTtl}, so the events published meanwhile are not queued; each recipient's next connection, to
 * another node, still gets them, with and without {@code Last-Event-ID}, from its stream after its cursor. The
 * killed node runs in a JVM of its own ({@link NodeProcess}).
 */
class RedisNodeKilledTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    @RegisterExtension
    static final RedisProcess redis = RedisProcess.perTestClass();

    @Test
    void eventsPublishedWhileADeadNodesPresenceLingers_reachTheRecipientsOnTheirNextConnect_withAndWithoutAnId()
            throws Exception {
        String prefix = "killed";
        Client client = ClientBuilder.newClient();
        List<AutoCloseable> open = new ArrayList<>();
        long started = System.nanoTime();
        // the child JVM starts while this one starts node A
        CompletableFuture<NodeProcess> startingB = CompletableFuture.supplyAsync(
                () -> NodeProcess.start(redis.uri(), prefix));
        try (BroadcastApp.Running nodeA = new BroadcastApp.Running(RegistryOptions.builder()
                     .redis(RedisOptions.builder(redis.uri()).keyPrefix(prefix).build()).build());
             NodeProcess nodeB = startingB.get(60, TimeUnit.SECONDS)) {
            System.out.println("[fault] node process serving after "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms");
            String b = "http://127.0.0.1:" + nodeB.port + "/recipients/";
            OpenEventStream annOnB = EventStreamClient.open(client.target(b + "ann"), Map.of("X-User", "ann"));
            OpenEventStream bobOnB = EventStreamClient.open(client.target(b + "bob"), Map.of("X-User", "bob"));
            open.add(annOnB);
            open.add(bobOnB);
            // both are live on B: each gets an event published on A
            String annHello = publish(nodeA, "ann", "hello ann");
            String bobHello = publish(nodeA, "bob", "hello bob");
            assertEquals(annHello, annOnB.awaitEvent(e -> "hello ann".equals(e.data()), WAIT).lastEventId());
            String bobLast = bobOnB.awaitEvent(e -> "hello bob".equals(e.data()), WAIT).lastEventId();
            assertEquals(bobHello, bobLast);

            nodeB.kill9();

            DeliveryChecker checker = DeliveryChecker.byId();
            Address ann = Address.recipient("ann");
            Address bob = Address.recipient("bob");
            DeliveryChecker.Subscriber annNext = checker.on("ann, next connect without Last-Event-ID", Set.of(ann));
            DeliveryChecker.Subscriber bobNext = checker.on("bob, next connect with Last-Event-ID", Set.of(bob));
            int queued = 0;
            String lastAnn = null;
            String lastBob = null;
            for (int i = 0; i < 20; i++) { // well within presenceTtl (30 s): B still looks online
                Delivery toAnn = nodeA.registry.publishToRecipient("ann", SseEvent.of("ann " + i))
                        .toCompletableFuture().get(20, TimeUnit.SECONDS);
                checker.acknowledged(ann, toAnn.id());
                lastAnn = toAnn.id();
                Delivery toBob = nodeA.registry.publishToRecipient("bob", SseEvent.of("bob " + i))
                        .toCompletableFuture().get(20, TimeUnit.SECONDS);
                checker.acknowledged(bob, toBob.id());
                lastBob = toBob.id();
                queued += toAnn.queued() + toBob.queued();
            }
            assertEquals(0, queued, "the dead node's presence should still make both look online (the fault this "
                    + "test is about); the events were queued instead:\n" + checker.accounting());

            OpenEventStream annOnA = EventStreamClient.open(nodeA.target("recipients/ann"), Map.of("X-User", "ann"));
            OpenEventStream bobOnA = EventStreamClient.open(nodeA.target("recipients/bob"),
                    Map.of("X-User", "bob", "Last-Event-ID", bobLast));
            open.add(annOnA);
            open.add(bobOnA);
            annNext.receiveUntil(annOnA, lastAnn, Duration.ofSeconds(10));
            bobNext.receiveUntil(bobOnA, lastBob, Duration.ofSeconds(10));
            checker.verify();
            System.out.println("[fault] node kill -9, recipients' next connect:\n" + checker.accounting());
        } finally {
            for (AutoCloseable c : open) {
                c.close();
            }
            client.close();
        }
    }

    private static String publish(BroadcastApp.Running node, String recipient, String data) throws Exception {
        return node.registry.publishToRecipient(recipient, SseEvent.of(data)).toCompletableFuture()
                .get(20, TimeUnit.SECONDS).id();
    }
}
