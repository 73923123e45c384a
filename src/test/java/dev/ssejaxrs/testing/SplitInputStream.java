package dev.ssejaxrs.testing;

import java.io.InputStream;
import java.util.Arrays;

/** Serves fixed bytes in reads that end at the given offsets (and at most {@code maxRead} bytes each). */
final class SplitInputStream extends InputStream {
    private final byte[] bytes;
    private final int[] cuts;
    private final int maxRead;
    private int pos;

    private SplitInputStream(byte[] bytes, int[] cuts, int maxRead) {
        this.bytes = bytes;
        this.cuts = cuts.clone();
        Arrays.sort(this.cuts);
        this.maxRead = maxRead;
    }

    static SplitInputStream cutAt(byte[] bytes, int... offsets) {
        return new SplitInputStream(bytes, offsets, Integer.MAX_VALUE);
    }

    static SplitInputStream oneBytePerRead(byte[] bytes) {
        return new SplitInputStream(bytes, new int[0], 1);
    }

    @Override
    public int read() {
        return pos < bytes.length ? bytes[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (pos >= bytes.length) {
            return -1;
        }
        int end = bytes.length;
        for (int cut : cuts) {
            if (cut > pos) {
                end = Math.min(end, cut);
                break;
            }
        }
        int n = Math.min(Math.min(len, maxRead), end - pos);
        System.arraycopy(bytes, pos, b, off, n);
        pos += n;
        return n;
    }
}
