package dev.ssejaxrs.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.1 GET on a plain socket that shows exactly what the server sent (status line, header lines, body bytes
 * after chunked decoding) and when: the time the head arrived and the time each read returned. Reads block with a
 * deadline. Like {@code RawClient} of the Grizzly tests, for servers in another JVM.
 */
final class RawHttp implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final long sentNanos;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final Map<String, List<String>> headers = new LinkedHashMap<>();
    private String statusLine;
    private long headNanos;
    private boolean chunked;
    private boolean ended;
    private long contentLeft = -1;

    private RawHttp(Socket socket, long sentNanos) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.sentNanos = sentNanos;
    }

    /** Sends a GET and reads the status line and headers, waiting at most {@code headTimeout} for them. */
    static RawHttp get(int port, String pathAndQuery, Duration headTimeout) {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            RawHttp client = new RawHttp(socket, System.nanoTime());
            client.readHead(headTimeout);
            return client;
        } catch (IOException e) {
            closeQuietly(socket);
            throw new UncheckedIOException(e);
        }
    }

    int status() {
        return Integer.parseInt(statusLine.split(" ")[1]);
    }

    String header(String name) {
        List<String> values = headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        return values.isEmpty() ? null : values.get(0);
    }

    /** The header lines as received, for messages. */
    String head() {
        return statusLine + " " + headers;
    }

    /** Time from sending the request to the end of the response head. */
    Duration headAfter() {
        return Duration.ofNanos(headNanos - sentNanos);
    }

    /** Time from sending the request to now. */
    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - sentNanos);
    }

    /** The decoded body so far. */
    String body() {
        return body.toString(StandardCharsets.UTF_8);
    }

    /** Whether the response ended: the terminating chunk, the whole content length, or the end of the connection. */
    boolean ended() {
        return ended;
    }

    /** Reads until the body contains {@code text}; fails with what arrived when the time is up or the body ended. */
    String readUntil(String text, Duration timeout) {
        return readUntil(text, 1, timeout);
    }

    /** Reads until the body contains {@code text} {@code times} times; fails as {@link #readUntil(String, Duration)}. */
    String readUntil(String text, int times, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (body().split(java.util.regex.Pattern.quote(text), -1).length - 1 < times) {
            if (ended || !readSome(deadline)) {
                throw new AssertionError("did not receive " + show(text) + (times > 1 ? " " + times + " times" : "")
                        + " within " + timeout + (ended ? " (the response ended)" : "") + "; received: "
                        + show(body()));
            }
        }
        return body();
    }

    /** Reads until the response ends; fails when the time is up. */
    String readToEnd(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ended) {
            if (!readSome(deadline) && !ended) {
                throw new AssertionError("the response did not end within " + timeout + "; received: " + show(body()));
            }
        }
        return body();
    }

    /** Reads for {@code duration}; returns whether the response ended meanwhile. */
    boolean readFor(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        while (!ended && readSome(deadline)) {
            // keep reading
        }
        return ended;
    }

    /** Whether the response ended with the terminating chunk (a clean end, not a dropped connection). */
    boolean endedCleanly() {
        return ended && chunked && contentLeft == 0;
    }

    static String show(String s) {
        return "\"" + s.replace("\r", "\\r").replace("\n", "\\n") + "\"";
    }

    /** Resets the connection, like a browser tab that goes away. */
    @Override
    public void close() {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException e) {
            // closing anyway
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private void readHead(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        statusLine = readLine();
        String line;
        while (!(line = readLine()).isEmpty()) {
            int colon = line.indexOf(':');
            headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).trim());
        }
        headNanos = System.nanoTime();
        chunked = "chunked".equalsIgnoreCase(header("transfer-encoding"));
        if (!chunked) {
            String length = header("content-length");
            contentLeft = length == null ? -1 : Long.parseLong(length);
            ended = contentLeft == 0;
        }
    }

    private String readLine() throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("connection closed in a line: " + show(sb.toString()));
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    /** Reads one piece of the body; false when the deadline passed or the connection ended. */
    private boolean readSome(long deadline) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        try {
            socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
            if (chunked) {
                String sizeLine = readLine();
                int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
                if (size == 0) {
                    readLine();
                    ended = true;
                    contentLeft = 0;
                    return true;
                }
                body.write(in.readNBytes(size));
                readLine();
            } else {
                byte[] buf = new byte[8192];
                int n = in.read(buf, 0, contentLeft < 0 ? buf.length : (int) Math.min(buf.length, contentLeft));
                if (n < 0) {
                    ended = true;
                    return false;
                }
                body.write(buf, 0, n);
                if (contentLeft > 0 && (contentLeft -= n) == 0) {
                    ended = true;
                }
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            ended = true; // dropped by the server
            return false;
        }
    }
}
