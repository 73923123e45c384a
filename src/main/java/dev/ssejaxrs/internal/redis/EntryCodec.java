package dev.ssejaxrs.internal.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.ssejaxrs.event.SseEvent;

/**
 * What a stream entry holds: the event's fields, so that any node rebuilds the same event and encodes it once for
 * all its subscribers. Field names are one letter: {@code p} the previous id in the stream (written by the publish
 * script), {@code e} event name, {@code d} data, {@code c} comment, {@code r} retry in milliseconds, {@code x} present on the last event of a complete address. Absent fields
 * are not stored; the id is the entry's stream id.
 */
public final class EntryCodec {
    /** The field that marks the last entry of a complete address (written by the complete script). */
    static final String LAST = "x";

    private EntryCodec() {
    }

    /** Adds the event's field/value pairs to {@code out}. */
    static void encode(SseEvent event, List<String> out) {
        if (event.event() != null) {
            out.add("e");
            out.add(event.event());
        }
        if (event.data() != null) {
            out.add("d");
            out.add(event.data());
        }
        if (event.comment() != null) {
            out.add("c");
            out.add(event.comment());
        }
        if (event.retry() != null) {
            out.add("r");
            out.add(Long.toString(event.retry().toMillis()));
        }
    }

    /** The entry of a stream message. */
    static RedisEventLog.Entry decode(String id, Map<String, String> fields) {
        SseEvent.Builder b = SseEvent.builder().id(id);
        String previous = null;
        for (Map.Entry<String, String> field : fields.entrySet()) {
            previous = apply(b, field.getKey(), field.getValue(), previous);
        }
        return new RedisEventLog.Entry(id, previous, b.build(), fields.containsKey(LAST));
    }

    /** The entries of a script's reply: a list of {id, [field, value, ...]}. */
    static List<RedisEventLog.Entry> decodeAll(Object reply) {
        List<?> raw = (List<?>) reply;
        List<RedisEventLog.Entry> entries = new ArrayList<>(raw.size());
        for (Object item : raw) {
            List<?> pair = (List<?>) item;
            String id = (String) pair.get(0);
            List<?> fields = (List<?>) pair.get(1);
            SseEvent.Builder b = SseEvent.builder().id(id);
            String previous = null;
            boolean last = false;
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                previous = apply(b, (String) fields.get(i), (String) fields.get(i + 1), previous);
                last |= LAST.equals(fields.get(i));
            }
            entries.add(new RedisEventLog.Entry(id, previous, b.build(), last));
        }
        return entries;
    }

    private static String apply(SseEvent.Builder b, String name, String value, String previous) {
        switch (name) {
            case "p" -> {
                return value.isEmpty() ? null : value;
            }
            case "e" -> b.event(value);
            case "d" -> b.data(value);
            case "c" -> b.comment(value);
            case "r" -> b.retry(Duration.ofMillis(Long.parseLong(value)));
            default -> { } // a field from a later version: ignored
        }
        return previous;
    }
}
