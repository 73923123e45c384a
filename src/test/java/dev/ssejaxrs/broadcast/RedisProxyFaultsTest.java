package dev.ssejaxrs.broadcast;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.redis.RedisOptions;
import dev.ssejaxrs.redis.RedisProcess;
import dev.ssejaxrs.testing.EventStreamClient;
import dev.ssejaxrs.testing.OpenEventStream;

/**
 * The network between a node and Redis failing (issue 29), through a small TCP proxy of this class: latency, a cut
 * (every connection reset), a black hole (bytes accepted and dropped, no reset: a partition). The subscribers' node
 * talks to Redis through the proxy, the publishing node directly; after each fault every acknowledged event reaches
 * the subscribers of a topic and of a recipient, live, or they are told what they lost.
 */
class RedisProxyFaultsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    @RegisterExtension
    static final RedisProcess redis = RedisProcess.perTestClass();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    @Test
    void latencyACutAndABlackHoleBetweenTheSubscribersNodeAndRedis_loseNoEventSilently() throws Exception {
        ChaosProxy proxy = new ChaosProxy(redis.port);
        open.add(proxy);
        BroadcastApp.Running publisher = node(redis.uri());
        BroadcastApp.Running subscribers = node("redis://127.0.0.1:" + proxy.port());
        OpenEventStream topicStream = EventStreamClient.open(subscribers.target("topics/news"));
        OpenEventStream annStream = EventStreamClient.open(subscribers.target("recipients/ann"),
                Map.of("X-User", "ann"));
        open.add(topicStream);
        open.add(annStream);
        Address news = Address.topic("news");
        Address ann = Address.recipient("ann");
        await().atMost(WAIT).until(() -> subscribers.registry.stats(news).subscribers() == 1
                && subscribers.registry.stats(ann).subscribers() == 1);
        DeliveryChecker checker = DeliveryChecker.byId();
        DeliveryChecker.Subscriber topicGot = checker.on("topic subscriber", Set.of(news));
        DeliveryChecker.Subscriber annGot = checker.on("recipient ann", Set.of(ann));
        StringBuilder report = new StringBuilder();

        proxy.latency(Duration.ofMillis(100));
        publishAndReceive(publisher, checker, "latency", topicStream, topicGot, annStream, annGot);
        report.append("\n100 ms latency:\n").append(checker.accounting());

        proxy.latency(Duration.ZERO);
        proxy.cut();
        publishAndReceive(publisher, checker, "cut", topicStream, topicGot, annStream, annGot);
        report.append("\nconnections cut:\n").append(checker.accounting());

        proxy.blackHole(true);
        // longer than readBlock + commandTimeout and presenceTtl: the node notices and its presence lapses
        List<String> lastIds = publish(publisher, checker, "black hole", Duration.ofSeconds(3));
        proxy.blackHole(false);
        receive(topicStream, topicGot, annStream, annGot, lastIds);
        report.append("\nblack hole for 3 s:\n").append(checker.accounting());

        checker.verify();
        System.out.println("[fault] TCP proxy between the node and Redis:" + report);
    }

    private BroadcastApp.Running node(String uri) {
        BroadcastApp.Running node = new BroadcastApp.Running(RegistryOptions.builder()
                .redis(RedisOptions.builder(uri).keyPrefix("proxied").presenceTtl(Duration.ofSeconds(1))
                        .readBlock(Duration.ofMillis(500)).build())
                .build());
        open.add(node);
        return node;
    }

    private static void publishAndReceive(BroadcastApp.Running publisher, DeliveryChecker checker, String phase,
            OpenEventStream topicStream, DeliveryChecker.Subscriber topicGot, OpenEventStream annStream,
            DeliveryChecker.Subscriber annGot) throws Exception {
        receive(topicStream, topicGot, annStream, annGot, publish(publisher, checker, phase, Duration.ZERO));
    }

    /** Publishes 10 events to the topic and 10 to ann, then more, one every 50 ms, for {@code during}. */
    private static List<String> publish(BroadcastApp.Running publisher, DeliveryChecker checker, String phase,
            Duration during) throws Exception {
        long end = System.nanoTime() + during.toNanos();
        String lastTopic = null;
        String lastAnn = null;
        for (int i = 0; i < 10 || System.nanoTime() < end; i++) {
            lastTopic = publisher.registry.publish("news", SseEvent.of(phase + " news " + i)).toCompletableFuture()
                    .get(10, TimeUnit.SECONDS).id();
            checker.acknowledged(Address.topic("news"), lastTopic);
            lastAnn = publisher.registry.publishToRecipient("ann", SseEvent.of(phase + " ann " + i))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS).id();
            checker.acknowledged(Address.recipient("ann"), lastAnn);
            if (i >= 10) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // a steady publisher during the fault
            }
        }
        return List.of(lastTopic, lastAnn);
    }

    private static void receive(OpenEventStream topicStream, DeliveryChecker.Subscriber topicGot,
            OpenEventStream annStream, DeliveryChecker.Subscriber annGot, List<String> lastIds) {
        topicGot.receiveUntil(topicStream, lastIds.get(0), WAIT);
        annGot.receiveUntil(annStream, lastIds.get(1), WAIT);
    }

    /**
     * A TCP proxy to a local port that can add latency, reset every connection, or black-hole them (read and drop
     * what either side sends, without a reset, as a partition does). A connection black-holed is reset when the hole
     * closes (its byte stream lost data: no protocol could go on with it). Two threads per connection.
     */
    private static final class ChaosProxy implements AutoCloseable {
        private final int target;
        private final ServerSocket server;
        private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
        private final Thread acceptor;
        private volatile long latencyNanos;
        private volatile boolean blackHole;
        private volatile boolean closed;

        ChaosProxy(int target) throws IOException {
            this.target = target;
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            this.acceptor = new Thread(this::accept, "chaos-proxy-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        void latency(Duration latency) {
            latencyNanos = latency.toNanos();
        }

        void blackHole(boolean on) {
            blackHole = on;
            if (!on) {
                cut();
            }
        }

        /** Resets every connection (RST: linger 0). */
        void cut() {
            for (Socket socket : List.copyOf(sockets)) {
                reset(socket);
            }
        }

        private void reset(Socket socket) {
            sockets.remove(socket);
            try {
                socket.setSoLinger(true, 0);
                socket.close();
            } catch (IOException e) {
                // already closed
            }
        }

        private void accept() {
            while (!closed) {
                try {
                    Socket client = server.accept();
                    Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                    sockets.add(client);
                    sockets.add(upstream);
                    pump(client, upstream, "up");
                    pump(upstream, client, "down");
                } catch (IOException e) {
                    if (!closed) {
                        throw new IllegalStateException("chaos proxy failed to accept or connect", e);
                    }
                }
            }
        }

        private void pump(Socket from, Socket to, String direction) {
            Thread t = new Thread(() -> {
                byte[] buffer = new byte[16 * 1024];
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        long latency = latencyNanos;
                        if (latency > 0) {
                            LockSupport.parkNanos(latency);
                        }
                        if (blackHole) {
                            continue; // dropped: neither delivered nor refused
                        }
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                } catch (IOException e) {
                    // reset or closed: the other direction ends too
                } finally {
                    reset(from);
                    reset(to);
                }
            }, "chaos-proxy-" + direction);
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            closed = true;
            server.close();
            cut();
        }
    }
}
