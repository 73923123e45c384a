package dev.ssejaxrs.event;

import java.io.OutputStream;

/**
 * What building and encoding one event costs, for the shapes the benchmarks stream: an {@code id} and 64 bytes of
 * one-line data (the load generator's {@code stream} scenario), the same with a name, and data of three lines (which
 * take the byte-by-byte line split). Each shape is timed over rounds of 2,000,000 events after warm-up rounds; the
 * bytes go into a reused buffer, as a stream's batch does. Not a test; run it with (see README, "Performance"):
 *
 * <pre>
 * mvn -q test-compile org.codehaus.mojo:exec-maven-plugin:3.5.0:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.ssejaxrs.event.EncoderBenchmark
 * </pre>
 */
public final class EncoderBenchmark {
    private static final int EVENTS = 2_000_000;
    private static final int WARM_UP_ROUNDS = 4;
    private static final int ROUNDS = 5;

    private EncoderBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String oneLine = "x".repeat(64);
        String threeLines = "x".repeat(20) + "\n" + "y".repeat(20) + "\r\n" + "z".repeat(20);
        Sink sink = new Sink();
        System.out.printf("building and encoding one event, ns (median of %d rounds of %,d)%n", ROUNDS, EVENTS);
        measure("id + 64 B data", sink, i -> SseEvent.builder().id(Long.toString(i)).data(oneLine).build());
        measure("id + name + 64 B data", sink,
                i -> SseEvent.builder().id(Long.toString(i)).event("tick").data(oneLine).build());
        measure("id + 3-line data", sink, i -> SseEvent.builder().id(Long.toString(i)).data(threeLines).build());
        System.out.println("(" + sink.total + " bytes written)");
    }

    private interface Shape {
        SseEvent event(long i);
    }

    private static void measure(String name, Sink sink, Shape shape) throws Exception {
        double[] rounds = new double[ROUNDS];
        for (int r = -WARM_UP_ROUNDS; r < ROUNDS; r++) {
            long start = System.nanoTime();
            for (int i = 0; i < EVENTS; i++) {
                shape.event(i).writeTo(sink, LineSeparator.CRLF);
            }
            double perEvent = (System.nanoTime() - start) / (double) EVENTS;
            if (r >= 0) {
                rounds[r] = perEvent;
            }
        }
        java.util.Arrays.sort(rounds);
        System.out.printf("%-24s %6.1f ns (rounds %.1f to %.1f)%n", name, rounds[ROUNDS / 2], rounds[0],
                rounds[ROUNDS - 1]);
    }

    /** A reused 64 KiB buffer, like a stream's batch; counts what went through it so nothing is optimised away. */
    private static final class Sink extends OutputStream {
        private final byte[] buffer = new byte[64 * 1024];
        private int size;
        private long total;

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            if (size + length > buffer.length) {
                size = 0;
            }
            System.arraycopy(bytes, offset, buffer, size, length);
            size += length;
            total += length;
        }
    }
}
