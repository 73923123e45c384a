package dev.ssejaxrs.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.internal.store.EntryRing.Entry;

/** Ids: their form, their order, their generator; finding one in a history. */
class EventIdTest {

    @Test
    void parse_takesOnlyTheRedisForm() {
        assertEquals(new EventId(1700000000000L, 7), EventId.parse("1700000000000-7"));
        assertEquals("1700000000000-7", new EventId(1700000000000L, 7).toString());
        for (String bad : new String[] {"", "57", "-1", "1-", "a-1", "1-1-1", "+1-1", "1 -1", "1-99999999999999999999",
            "1".repeat(300) + "-0", null}) {
            assertNull(EventId.parse(bad), bad);
        }
        assertTrue(EventId.parse("10-0").isAfter(EventId.parse("9-999")));
        assertTrue(EventId.parse("9-10").isAfter(EventId.parse("9-9")));
    }

    @Test
    void generator_staysStrictlyIncreasing_whenTheClockStallsOrStepsBack() {
        AtomicLong clock = new AtomicLong(1000);
        EventId.Generator ids = new EventId.Generator(clock::get);
        EventId previous = ids.start();
        for (long now : new long[] {1000, 1000, 1001, 1001, 900, 900, 1500, 1400, 1500}) {
            clock.set(now);
            EventId next = ids.next();
            assertTrue(next.isAfter(previous), previous + " then " + next + " at " + now);
            previous = next;
        }
        EventId.Generator restarted = new EventId.Generator(clock::get);
        assertTrue(restarted.next().isAfter(previous), "ids of an earlier run on the same clock are older");
    }

    @Test
    void findingAnIdInAHundredThousandEventHistory_matchesALinearScan() {
        EntryRing ring = new EntryRing(100_000);
        AtomicLong clock = new AtomicLong(1);
        EventId.Generator ids = new EventId.Generator(clock::get);
        Random random = new Random(42);
        List<EventId> all = new ArrayList<>();
        SseEvent event = SseEvent.of("x");
        for (int i = 0; i < 150_000; i++) { // the first 50,000 fall out of the ring
            if (random.nextInt(3) == 0) {
                clock.addAndGet(random.nextInt(3));
            }
            EventId id = ids.next();
            all.add(id);
            ring.add(new Entry(id, event, 0));
        }
        assertEquals(100_000, ring.size());
        for (int probe = 0; probe < 2000; probe++) {
            EventId id = probe % 2 == 0 ? all.get(random.nextInt(all.size()))
                    : new EventId(random.nextInt((int) clock.get() + 2), random.nextInt(5));
            assertEquals(linearFirstAfter(ring, id), ring.firstAfter(id), id.toString());
        }
    }

    private static int linearFirstAfter(EntryRing ring, EventId id) {
        for (int i = 0; i < ring.size(); i++) {
            if (ring.get(i).position().isAfter(id)) {
                return i;
            }
        }
        return ring.size();
    }
}
