package dev.ssejaxrs.internal.core;

import java.io.OutputStream;
import java.util.Arrays;

/** The bytes of the events one drain writes together; reused by its writer thread, so not thread-safe. */
public final class BatchBuffer extends OutputStream {
    private static final ThreadLocal<BatchBuffer> PER_THREAD = ThreadLocal.withInitial(BatchBuffer::new);

    private static final int INITIAL = 8192;
    /** A buffer that grew past this for one huge event does not keep the memory. */
    private static final int KEPT = 1 << 20;

    private byte[] bytes = new byte[INITIAL];
    private int size;

    /** The calling thread's buffer, emptied. */
    static BatchBuffer forThisThread() {
        BatchBuffer buffer = PER_THREAD.get();
        buffer.size = 0;
        if (buffer.bytes.length > KEPT) {
            buffer.bytes = new byte[INITIAL];
        }
        return buffer;
    }

    @Override
    public void write(int b) {
        ensure(1);
        bytes[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, bytes, size, len);
        size += len;
    }

    /** Drops what was written after {@code size} bytes (an event that failed half-way through encoding). */
    void truncate(int newSize) {
        size = newSize;
    }

    int size() {
        return size;
    }

    byte[] array() {
        return bytes;
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
