package dev.ssejaxrs.internal.redis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.internal.store.EventId;

/**
 * One dedicated connection reading the streams of its share of the followed addresses with a blocking
 * {@code XREAD ... STREAMS <all of them> <last id of each>}, and handing each entry to the listener in id order.
 *
 * <p>Its own thread does all the reading; {@link #follow}/{@link #unfollow} (any thread) change the address map and
 * wake the blocked read by adding an entry to this reader's wake stream, which is one of the streams it reads.
 * Unlike {@code CLIENT UNBLOCK}, that cannot be lost in a race: a wake sent before the read blocks makes the read
 * return at once. {@code readBlock} only bounds how soon a silently dead connection is noticed.
 *
 * <p>Each followed address keeps the id of the last entry handed to the listener. After a failure the thread
 * closes the connection, waits (back-off up to 2 s, cut short by {@link #close}), connects again and reads after
 * those ids: every entry still in Redis is handed over exactly once.
 *
 * <p>Order: one {@code XREAD} sees all its streams at one instant, and ids order across streams (one clock), so
 * the entries of a reply sorted by id are in publish order. Entries after a point the reply cannot vouch for wait
 * for the next read (their cursor stays, so they are read again), so that none overtakes one still unread: the
 * last entry of a stream that filled its {@code COUNT}, and the start of every address followed after the read was
 * issued (its entries after that start are not in the reply yet).
 */
public final class RedisStreamReader {
    private static final System.Logger LOG = System.getLogger(RedisStreamReader.class.getName());

    private final RedisEventLog log;
    private final int index;
    private final String wakeKey;
    private final Map<Address, Follow> follows = new ConcurrentHashMap<>();
    private final AtomicBoolean wakePending = new AtomicBoolean();
    /** Guards {@link #handedOver} and {@link #followVersion}: a follow and the choice of a batch exclude each other. */
    private final ReentrantLock lock = new ReentrantLock();
    /** The newest id of the batches chosen for the listener so far. */
    private EventId handedOver = new EventId(0, 0);
    /** Counts follows, so that a batch notices those added after its read was issued. */
    private long followVersion;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Thread thread;
    private volatile StatefulRedisConnection<String, String> connection;
    private String wakeCursor = "0-0";

    /** One followed address: its key and the last id handed over (written by the reader thread only). */
    private static final class Follow {
        final Address address;
        final String key;
        volatile String cursor;

        Follow(Address address, String key, String cursor) {
            this.address = address;
            this.key = key;
            this.cursor = cursor;
        }
    }

    RedisStreamReader(RedisEventLog log, int index) {
        this.log = log;
        this.index = index;
        this.wakeKey = log.keys.wake(log.nodeId, index);
        this.thread = new Thread(this::run, "sse-redis-reader-" + log.nodeId + "-" + index);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /**
     * Follows {@code address} (unless it is already) and returns the position of a subscriber joining now: the
     * newer of {@code notBefore} and the newest id handed over or about to be. Every entry after it reaches the
     * listener later, in id order with every other address of this reader; entries up to it come from a replay.
     */
    String follow(Address address, EventId notBefore) {
        boolean added;
        String position;
        lock.lock();
        try {
            position = (notBefore.compareTo(handedOver) > 0 ? notBefore : handedOver).toString();
            added = follows.putIfAbsent(address, new Follow(address, log.keys.stream(address), position)) == null;
            if (added) {
                followVersion++;
            }
        } finally {
            lock.unlock();
        }
        if (added) {
            wake();
        }
        return position;
    }

    void unfollow(Address address) {
        if (follows.remove(address) != null) {
            wake();
        }
    }

    boolean follows(Address address) {
        return follows.containsKey(address);
    }

    private void wake() {
        // at most one wake in flight per read: the reader clears the flag right before it takes its snapshot
        if (wakePending.compareAndSet(false, true)) {
            log.wake(index);
        }
    }

    void close() {
        closing.countDown();
        StatefulRedisConnection<String, String> c = connection;
        if (c != null && c.isOpen()) {
            c.closeAsync(); // fails the blocked read at once
        }
    }

    void join() {
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean closed() {
        return closing.getCount() == 0 || log.isClosed();
    }

    private void run() {
        long backoff = 0;
        boolean failing = false;
        while (!closed()) {
            StatefulRedisConnection<String, String> c = connection;
            if (c == null || !c.isOpen()) {
                if (backoff > 0 && pause(backoff)) {
                    break;
                }
                try {
                    c = log.connect("reader-" + index);
                    connection = c;
                    if (closed()) {
                        c.close();
                        break;
                    }
                } catch (RuntimeException e) {
                    if (!failing) {
                        LOG.log(System.Logger.Level.WARNING, "reader " + index + " cannot reach Redis, retrying: "
                                + RedisEventLog.rootMessage(e));
                        failing = true;
                    }
                    backoff = Math.min(2000, Math.max(50, backoff * 2));
                    continue;
                }
                if (failing) {
                    LOG.log(System.Logger.Level.INFO, "reader " + index + " reconnected; resuming after the last ids");
                    failing = false;
                }
            }
            wakePending.set(false);
            long version;
            lock.lock();
            try {
                version = followVersion;
            } finally {
                lock.unlock();
            }
            List<Follow> snapshot = new ArrayList<>(follows.values());
            @SuppressWarnings({"unchecked", "rawtypes"})
            XReadArgs.StreamOffset<String>[] offsets = new XReadArgs.StreamOffset[snapshot.size() + 1];
            offsets[0] = XReadArgs.StreamOffset.from(wakeKey, wakeCursor);
            Map<String, Follow> byKey = new HashMap<>(snapshot.size() * 2);
            for (int i = 0; i < snapshot.size(); i++) {
                Follow f = snapshot.get(i);
                offsets[i + 1] = XReadArgs.StreamOffset.from(f.key, f.cursor);
                byKey.put(f.key, f);
            }
            List<StreamMessage<String, String>> batch;
            try {
                long block = log.options.readBlock().toMillis();
                batch = c.async().xread(XReadArgs.Builder.block(block).count(log.options.readBatch()), offsets)
                        .get(block + log.options.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                if (closed()) {
                    break;
                }
                if (!failing) {
                    LOG.log(System.Logger.Level.WARNING, "reader " + index + " lost Redis, reconnecting: "
                            + RedisEventLog.rootMessage(e));
                    failing = true;
                }
                connection = null;
                if (c.isOpen()) {
                    c.closeAsync();
                }
                backoff = Math.min(2000, Math.max(50, backoff * 2));
                continue;
            }
            backoff = 0;
            dispatch(batch, byKey, version);
        }
        StatefulRedisConnection<String, String> c = connection;
        if (c != null && c.isOpen()) {
            c.closeAsync();
        }
    }

    /** Waits {@code millis} or until closed; true when closed. */
    private boolean pause(long millis) {
        try {
            return closing.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private void dispatch(List<StreamMessage<String, String>> batch, Map<String, Follow> byKey, long version) {
        if (batch == null || batch.isEmpty()) {
            return;
        }
        Map<String, Integer> perStream = new HashMap<>();
        Map<String, String> lastOfStream = new HashMap<>();
        List<StreamMessage<String, String>> entries = new ArrayList<>(batch.size());
        for (StreamMessage<String, String> m : batch) {
            if (m.getStream().equals(wakeKey)) {
                wakeCursor = m.getId();
                continue;
            }
            perStream.merge(m.getStream(), 1, Integer::sum);
            lastOfStream.put(m.getStream(), m.getId());
            entries.add(m);
        }
        EventId watermark = null;
        for (Map.Entry<String, Integer> e : perStream.entrySet()) {
            if (e.getValue() >= log.options.readBatch()) {
                EventId last = EventId.parse(lastOfStream.get(e.getKey()));
                watermark = watermark == null || last.compareTo(watermark) < 0 ? last : watermark;
            }
        }
        List<Sorted> sorted = new ArrayList<>(entries.size());
        for (StreamMessage<String, String> m : entries) {
            sorted.add(new Sorted(EventId.parse(m.getId()), m));
        }
        sorted.sort((a, b) -> a.id.compareTo(b.id));
        List<Sorted> ready;
        lock.lock();
        try {
            if (followVersion != version) {
                for (Follow f : follows.values()) {
                    if (byKey.get(f.key) != f) { // followed after this read was issued: its entries are not here
                        EventId start = EventId.parse(f.cursor);
                        watermark = watermark == null || start.compareTo(watermark) < 0 ? start : watermark;
                    }
                }
            }
            int end = sorted.size();
            if (watermark != null) {
                end = 0;
                while (end < sorted.size() && sorted.get(end).id.compareTo(watermark) <= 0) {
                    end++;
                }
            }
            ready = sorted.subList(0, end); // the rest is read again next time
            if (!ready.isEmpty() && ready.get(end - 1).id.compareTo(handedOver) > 0) {
                handedOver = ready.get(end - 1).id;
                log.epoch.saw(handedOver);
            }
        } finally {
            lock.unlock();
        }
        RedisEventLog.Listener listener = log.listener();
        for (Sorted s : ready) {
            Follow f = byKey.get(s.message.getStream());
            if (f == null || follows.get(f.address) != f) {
                continue; // unfollowed meanwhile
            }
            RedisEventLog.Entry entry = EntryCodec.decode(s.message.getId(), s.message.getBody());
            String last = f.cursor;
            f.cursor = entry.id();
            try {
                if (entry.previousId() != null
                        && EventId.parse(entry.previousId()).isAfter(EventId.parse(last))) {
                    listener.onGap(f.address, last, entry);
                }
                listener.onEntry(f.address, entry);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "listener failed on " + f.address + " " + entry.id(), e);
            }
        }
    }

    private record Sorted(EventId id, StreamMessage<String, String> message) {
    }
}
