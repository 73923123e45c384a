package dev.ssejaxrs.test;

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
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.1 client on a plain socket that shows exactly what the server sent: the status line, the raw header
 * lines, and the body bytes after chunked decoding. Reads block with a deadline.
 */
public final class RawClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final Map<String, java.util.List<String>> headers = new LinkedHashMap<>();
    private String statusLine;
    private long sentNanos;
    private long headNanos;
    private boolean chunked;
    private boolean ended;
    private long contentLeft = -1;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
    }

    /**
     * A bare socket to {@code 127.0.0.1:port} whose reads time out after {@code readTimeout}, for requests that
     * {@link #request} cannot write (HEAD, HTTP/1.0, oversized heads, clients that leave early).
     */
    public static Socket connect(int port, Duration readTimeout) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout((int) readTimeout.toMillis());
        return socket;
    }

    /** Sends {@code request} as it is and reads the response head (up to its blank line), nothing more. */
    public static String exchangeHead(Socket socket, String request) throws IOException {
        socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in the head: " + head);
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    public static RawClient get(int port, String pathAndQuery, String... headerLines) {
        return request(port, "GET", pathAndQuery, null, 0, headerLines);
    }

    /** A GET that waits at most {@code headTimeout} for the status line and headers. */
    public static RawClient get(int port, String pathAndQuery, Duration headTimeout) {
        return request(port, "GET", pathAndQuery, null, 0, headTimeout);
    }

    public static RawClient request(int port, String method, String pathAndQuery, String bodyText, int receiveBuffer,
            String... headerLines) {
        return request(port, method, pathAndQuery, bodyText, receiveBuffer, Duration.ofSeconds(10), headerLines);
    }

    private static RawClient request(int port, String method, String pathAndQuery, String bodyText,
            int receiveBuffer, Duration headTimeout, String... headerLines) {
        try {
            Socket socket = new Socket();
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            StringBuilder req = new StringBuilder(method + " " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            for (String h : headerLines) {
                req.append(h).append("\r\n");
            }
            byte[] payload = bodyText == null ? new byte[0] : bodyText.getBytes(StandardCharsets.UTF_8);
            if (bodyText != null) {
                req.append("Content-Length: ").append(payload.length).append("\r\n");
            }
            req.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(payload);
            out.flush();
            RawClient client = new RawClient(socket);
            client.sentNanos = System.nanoTime();
            client.readHead(headTimeout);
            return client;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The status line as received, without its line end: {@code HTTP/1.1 200 OK}. */
    public String statusLine() {
        return statusLine;
    }

    public int status() {
        return Integer.parseInt(statusLine.split(" ")[1]);
    }

    /** All values of a header (name case-insensitive), in order. */
    public java.util.List<String> headers(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), java.util.List.of());
    }

    public String header(String name) {
        java.util.List<String> values = headers(name);
        return values.isEmpty() ? null : values.get(0);
    }

    /** The status line and headers as received, for messages. */
    public String head() {
        return statusLine + " " + headers;
    }

    /** Time from sending the request to the end of the response head. */
    public Duration headAfter() {
        return Duration.ofNanos(headNanos - sentNanos);
    }

    /** Time from sending the request to now. */
    public Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - sentNanos);
    }

    /** Whether the response ended with the terminating chunk (a clean end, not a dropped connection). */
    public boolean endedCleanly() {
        return ended && chunked && contentLeft == 0;
    }

    /** The decoded body so far. */
    public String body() {
        return body.toString(StandardCharsets.UTF_8);
    }

    public byte[] bodyBytes() {
        return body.toByteArray();
    }

    public boolean ended() {
        return ended;
    }

    /** Reads until the decoded body contains {@code text}; fails with what arrived when the time is up. */
    public String readUntil(String text, Duration timeout) {
        return readUntil(text, 1, timeout);
    }

    /** Reads until the body contains {@code text} {@code times} times; fails as {@link #readUntil(String, Duration)}. */
    public String readUntil(String text, int times, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (body().split(java.util.regex.Pattern.quote(text), -1).length - 1 < times) {
            if (ended || !readSome(deadline)) {
                throw new AssertionError("did not receive " + show(text) + (times > 1 ? " " + times + " times" : "")
                        + " within " + timeout + (ended ? " (stream ended)" : "") + "; received: " + show(body()));
            }
        }
        return body();
    }

    /** Reads until at least {@code count} body bytes arrived; fails when the time is up. */
    public void readAtLeast(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (body.size() < count) {
            if (ended || !readSome(deadline)) {
                throw new AssertionError("received only " + body.size() + " of " + count + " bytes");
            }
        }
    }

    /** Closes the connection with a FIN, as a client that finished politely. */
    public void closeGracefully() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** Reads until the response ends cleanly (terminating chunk); fails when the time is up. */
    public String readToEnd(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ended) {
            if (!readSome(deadline) && !ended) {
                throw new AssertionError("stream did not end within " + timeout + "; received: " + show(body()));
            }
        }
        return body();
    }

    /** Reads for {@code duration}; returns whether the connection ended (EOF or last chunk). */
    public boolean readFor(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        while (!ended && readSome(deadline)) {
            // keep reading
        }
        return ended;
    }

    /** Whether the server dropped the connection (EOF) before the deadline. */
    public boolean awaitEof(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                try {
                    if (in.read() < 0) {
                        return true;
                    }
                } catch (SocketTimeoutException e) {
                    return false;
                }
            }
            return false;
        } catch (IOException e) {
            return true; // reset by the server
        }
    }

    public static String show(String s) {
        String tail = s.length() > 600 ? "..." + s.substring(s.length() - 600) : s;
        return "\"" + tail.replace("\r", "\\r").replace("\n", "\\n") + "\"" + (s.length() > 600
                ? " (" + s.length() + " chars)" : "");
    }

    @Override
    public void close() {
        try {
            socket.setSoLinger(true, 0); // reset, like a browser tab that goes away
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
            headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    k -> new java.util.ArrayList<>()).add(line.substring(colon + 1).trim());
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
                throw new IOException("connection closed in a header line: " + sb);
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
            throw new UncheckedIOException(e);
        }
    }
}
