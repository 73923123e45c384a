package dev.ssejaxrs.broadcast;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.internal.store.EventId;
import dev.ssejaxrs.redis.RedisOptions;
import dev.ssejaxrs.redis.RedisProcess;

/**
 * 1,000 clients reconnecting at once with an old {@code Last-Event-ID} on a Redis with a full history, as browsers do
 * after a deploy (issue 29): every client gets every event after its id, in order and once, and the heap after a
 * full GC, with the 1,000 streams still open, stays bounded. The clients are raw sockets on one selector thread,
 * reading bytes and counting ids, so the test's own memory does not hide the server's.
 */
class ReconnectStormTest {
    private static final int CLIENTS = 1000;
    /** The history's size: full, since more were published (each client resumes from its oldest event). */
    private static final int HISTORY = 200;
    /** What 1,000 open, idle streams may keep after a full GC, above what the node kept before the storm. */
    private static final long HEAP_BOUND = 128L << 20;
    @RegisterExtension
    static final RedisProcess redis = RedisProcess.perTestClass();

    @Test
    void aThousandClientsResumingFromAnOldIdAtOnce_allComplete_andTheHeapAfterGcStaysBounded() throws Exception {
        try (BroadcastApp.Running node = new BroadcastApp.Running(RegistryOptions.builder()
                .redis(RedisOptions.builder(redis.uri()).keyPrefix("storm").build())
                .history(HISTORY, Duration.ofHours(1))
                .maxStreamsPerCaller(2 * CLIENTS)
                .build())) {
            String data = "x".repeat(200);
            String first = null;
            String last = null;
            List<java.util.concurrent.CompletableFuture<Delivery>> publishes = new ArrayList<>();
            for (int i = 0; i < HISTORY + 50; i++) {
                publishes.add(node.registry.publish("news", SseEvent.of(i + " " + data)).toCompletableFuture());
            }
            for (java.util.concurrent.CompletableFuture<Delivery> p : publishes) {
                // the newest id, not the last one asked for: publishes in flight together may take their ids in
                // another order (seen on a loaded machine)
                String id = p.get(30, TimeUnit.SECONDS).id();
                if (last == null || EventId.parse(id).isAfter(EventId.parse(last))) {
                    last = id;
                }
            }
            first = redis.admin(c -> c.xrange("{storm}:t:news", io.lettuce.core.Range.create("-", "+"),
                    io.lettuce.core.Limit.from(1))).get(0).getId(); // the oldest retained
            // trimmed with MAXLEN ~: a few more than the history size may be retained
            int expected = (int) (long) redis.admin(c -> c.xlen("{storm}:t:news")) - 1;
            long before = heapAfterGc();
            peaks().forEach(MemoryPoolMXBean::resetPeakUsage);

            long started = System.nanoTime();
            List<Client> clients = new ArrayList<>();
            try (Selector selector = Selector.open()) {
                byte[] request = ("GET /topics/news HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                        + "Last-Event-ID: " + first + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                for (int i = 0; i < CLIENTS; i++) {
                    SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", node.server.port));
                    channel.write(ByteBuffer.wrap(request));
                    channel.configureBlocking(false);
                    Client client = new Client(channel, EventId.parse(last));
                    channel.register(selector, SelectionKey.OP_READ, client);
                    clients.add(client);
                }
                ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
                int complete = 0;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (complete < CLIENTS && System.nanoTime() < deadline) {
                    selector.select(1000);
                    Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                    while (keys.hasNext()) {
                        SelectionKey key = keys.next();
                        keys.remove();
                        Client client = (Client) key.attachment();
                        buffer.clear();
                        int n = client.channel.read(buffer);
                        if (n < 0) {
                            client.ended = true;
                            key.cancel();
                            continue;
                        }
                        boolean wasComplete = client.complete();
                        client.read(buffer.array(), n);
                        if (!wasComplete && client.complete()) {
                            complete++;
                        }
                    }
                }
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                long peak = peaks().stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
                long afterWithStreamsOpen = heapAfterGc();
                String accounting = accounting(clients, expected);
                String figures = String.format("%d clients resumed %d events each in %d ms; heap after GC %d MiB"
                        + " before the storm, %d MiB with the %d streams open after it (+%d MiB); peak heap during"
                        + " the storm %d MiB", CLIENTS, expected, millis, before >> 20, afterWithStreamsOpen >> 20,
                        CLIENTS, (afterWithStreamsOpen - before) >> 20, peak >> 20);
                assertTrue(complete == CLIENTS && accounting.isEmpty(), "not every client completed (" + complete
                        + " of " + CLIENTS + "): " + accounting + "\n" + figures);
                assertTrue(afterWithStreamsOpen - before < HEAP_BOUND, "the heap after GC grew by more than "
                        + (HEAP_BOUND >> 20) + " MiB: " + figures);
                System.out.println("[fault] reconnect storm: acknowledged " + expected + " per client, delivered "
                        + expected + " to each of " + CLIENTS + ", signalled 0; " + figures);
            } finally {
                for (Client client : clients) {
                    client.channel.close();
                }
            }
        }
    }

    /** What went wrong for which clients (empty: every one got every event after its id, in order, once). */
    private static String accounting(List<Client> clients, int expected) {
        StringBuilder wrong = new StringBuilder();
        int shown = 0;
        for (int i = 0; i < clients.size(); i++) {
            Client c = clients.get(i);
            if (c.ids != expected || c.outOfOrder > 0 || c.lossEvents > 0 || !c.complete()) {
                if (shown++ < 10) {
                    wrong.append("\n  client ").append(i).append(": delivered ").append(c.ids).append(" of ")
                            .append(expected).append(", out of order or repeated ").append(c.outOfOrder)
                            .append(", loss events ").append(c.lossEvents).append(c.ended ? ", ended" : "")
                            .append(c.status == null ? ", no response head" : ", " + c.status);
                }
            }
        }
        return shown == 0 ? "" : shown + " clients wrong:" + wrong;
    }

    private static List<MemoryPoolMXBean> peaks() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
    }

    private static long heapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) { // a few full GCs: the lowest reading is what is really kept
            System.gc();
            used = Math.min(used, runtime.totalMemory() - runtime.freeMemory());
        }
        return used;
    }

    /** One raw client: reads the response's lines, counts the event ids and checks their order. */
    private static final class Client {
        final SocketChannel channel;
        final EventId last;
        final StringBuilder line = new StringBuilder();
        String status;
        EventId previous;
        int ids;
        int outOfOrder;
        int lossEvents;
        boolean ended;

        Client(SocketChannel channel, EventId last) {
            this.channel = channel;
            this.last = last;
        }

        boolean complete() {
            return previous != null && previous.equals(last);
        }

        /** Where the next byte goes: the head, a chunk's size line, a chunk's data, the CRLF after it. */
        private enum Phase { HEAD, SIZE, DATA, AFTER_DATA }

        private Phase phase = Phase.HEAD;
        private boolean chunked;
        private long remaining;
        private final StringBuilder head = new StringBuilder();

        void read(byte[] bytes, int n) {
            for (int i = 0; i < n; i++) {
                char c = (char) (bytes[i] & 0xff); // ids, field names, sizes and the head are ASCII
                switch (phase) {
                    case HEAD -> {
                        if (c != '\n') {
                            head.append(c);
                            continue;
                        }
                        String text = head.toString().strip();
                        head.setLength(0);
                        if (status == null) {
                            status = text;
                        } else if (text.toLowerCase(java.util.Locale.ROOT).equals("transfer-encoding: chunked")) {
                            chunked = true;
                        } else if (text.isEmpty()) {
                            phase = chunked ? Phase.SIZE : Phase.DATA;
                            remaining = Long.MAX_VALUE;
                        }
                    }
                    case SIZE -> {
                        if (c != '\n') {
                            head.append(c);
                            continue;
                        }
                        String size = head.toString().strip();
                        head.setLength(0);
                        int ext = size.indexOf(';');
                        remaining = Long.parseLong(ext < 0 ? size : size.substring(0, ext), 16);
                        phase = remaining == 0 ? Phase.AFTER_DATA : Phase.DATA;
                    }
                    case DATA -> {
                        event(c);
                        if (--remaining == 0) {
                            phase = Phase.AFTER_DATA;
                        }
                    }
                    case AFTER_DATA -> {
                        if (c == '\n') {
                            phase = Phase.SIZE;
                        }
                    }
                }
            }
        }

        /** One byte of the event stream. */
        private void event(char c) {
            if (c != '\n') {
                if (line.length() < 64) {
                    line.append(c); // data lines are not needed past their start
                }
                return;
            }
            String text = line.toString().strip();
            line.setLength(0);
            if (text.startsWith("id: ")) {
                EventId id = EventId.parse(text.substring(4));
                if (id == null || (previous != null && !id.isAfter(previous))) {
                    outOfOrder++;
                } else {
                    ids++;
                    previous = id;
                }
            } else if (text.equals("event: replay-incomplete") || text.equals("event: events-lost")) {
                lossEvents++;
            }
        }
    }
}
