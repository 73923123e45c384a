package dev.ssejaxrs.event;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable byte array for encoding one event; not thread-safe. */
final class ByteSink {
    private byte[] buf;
    private int size;

    ByteSink(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    void write(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, size, bytes.length);
        size += bytes.length;
    }

    /** One field line: {@code prefix}, {@code value} in UTF-8, then the separator. */
    void line(byte[] prefix, String value, LineSeparator sep) {
        write(prefix);
        if (!value.isEmpty()) {
            write(value.getBytes(StandardCharsets.UTF_8));
        }
        write(sep.bytes());
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }
}
