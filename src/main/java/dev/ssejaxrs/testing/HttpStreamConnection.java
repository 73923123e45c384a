package dev.ssejaxrs.testing;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 GET on its own socket, whose body is read as it arrives and which {@link #abort()} can cut at once.
 *
 * <p>Why not a JAX-RS client: Jersey's default connector reads through {@code HttpURLConnection}, whose chunked
 * stream is {@code synchronized}; closing it from another thread waits until the blocked read gets a byte, so a test
 * could neither stop reading a silent stream nor make the server see the client leave. {@code java.net.http} in
 * Java 17 cannot be closed and keeps a selector thread per client until garbage collection. A socket of our own
 * closes immediately and needs no thread beyond the one that reads.
 *
 * <p>{@link #open} runs on the caller's thread; {@link #body()} is read by one thread; {@link #abort()} may be called
 * from any thread and makes a blocked read fail at once.
 */
final class HttpStreamConnection {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration HEADERS_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_HEADER_LINE = 64 * 1024;

    /** The TCP socket, closed by {@link #abort()}; with TLS the layered socket runs on top of it. */
    private final Socket tcp;
    private final int status;
    private final Map<String, List<String>> headers;
    private final InputStream body;

    private HttpStreamConnection(Socket tcp, int status, Map<String, List<String>> headers, InputStream body) {
        this.tcp = tcp;
        this.status = status;
        this.headers = headers;
        this.body = body;
    }

    /** Sends {@code GET uri} with the given request headers and reads the status line and headers. */
    static HttpStreamConnection open(URI uri, Map<String, String> requestHeaders) throws IOException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("uri must be http or https: " + uri);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("uri must have a host: " + uri);
        }
        boolean tls = scheme.equals("https");
        int port = uri.getPort() != -1 ? uri.getPort() : tls ? 443 : 80;

        Socket tcp = new Socket();
        try {
            tcp.connect(new InetSocketAddress(uri.getHost(), port), (int) CONNECT_TIMEOUT.toMillis());
            tcp.setTcpNoDelay(true);
            // close() then resets the connection, so the server's next write fails instead of filling a buffer
            tcp.setSoLinger(true, 0);
            Socket socket = tls ? startTls(tcp, uri.getHost(), port) : tcp;
            socket.getOutputStream().write(request(uri, port, requestHeaders));
            socket.getOutputStream().flush();

            socket.setSoTimeout((int) HEADERS_TIMEOUT.toMillis());
            InputStream in = new BufferedInputStream(socket.getInputStream());
            int status;
            Map<String, List<String>> headers;
            do { // 1xx responses are interim: the real one follows
                status = parseStatus(readLine(in));
                headers = readHeaders(in);
            } while (status >= 100 && status < 200);
            socket.setSoTimeout(0);
            return new HttpStreamConnection(tcp, status, headers, body(in, status, headers));
        } catch (IOException | RuntimeException e) {
            tcp.close();
            throw e;
        }
    }

    int status() {
        return status;
    }

    /** The response headers, names case-insensitive, unmodifiable. */
    Map<String, List<String>> headers() {
        return headers;
    }

    /** The body, de-chunked; ends where the response ends. */
    InputStream body() {
        return body;
    }

    /**
     * Resets the connection; a read blocked on {@link #body()} fails at once. Idempotent. With TLS the TCP socket is
     * closed directly: no close_notify, which would have to wait for a blocked read.
     */
    void abort() {
        try {
            tcp.close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
    }

    private static Socket startTls(Socket plain, String host, int port) throws IOException {
        SSLSocket tls = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault())
                .createSocket(plain, host, port, true);
        SSLParameters params = tls.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(params);
        tls.startHandshake();
        return tls;
    }

    private static byte[] request(URI uri, int port, Map<String, String> requestHeaders) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
        }
        Map<String, String> all = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        all.put("Host", uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + port);
        all.put("Accept", "text/event-stream");
        all.put("Cache-Control", "no-cache");
        all.put("User-Agent", "sse-jaxrs-testing");
        all.putAll(requestHeaders);
        StringBuilder sb = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\n");
        all.forEach((name, value) -> sb.append(name).append(": ").append(value).append("\r\n"));
        return sb.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Checks a request header so that it cannot break the request apart. */
    static void checkHeader(String name, String value) {
        if (name == null || name.isEmpty() || !name.chars().allMatch(HttpStreamConnection::isTokenChar)) {
            throw new IllegalArgumentException("header name must be an HTTP token: " + Visible.of(name));
        }
        if (value == null || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("header " + name + " must not be null or contain CR, LF or NUL: "
                    + Visible.of(value));
        }
    }

    private static boolean isTokenChar(int c) {
        return c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
    }

    private static int parseStatus(String statusLine) throws IOException {
        // HTTP/1.1 200 OK
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/") || parts[1].length() != 3) {
            throw new IOException("not an HTTP status line: " + Visible.of(statusLine));
        }
        try {
            return Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP status line: " + Visible.of(statusLine), e);
        }
    }

    private static Map<String, List<String>> readHeaders(InputStream in) throws IOException {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed response header line: " + Visible.of(line));
            }
            headers.computeIfAbsent(line.substring(0, colon), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).strip());
        }
        headers.replaceAll((name, values) -> List.copyOf(values));
        return Collections.unmodifiableMap(headers);
    }

    /** One header line without its CRLF (a bare LF is accepted too), decoded as ISO-8859-1. */
    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("connection closed inside the response head after " + Visible.of(sb.toString()));
            }
            if (sb.length() == MAX_HEADER_LINE) {
                throw new IOException("response header line longer than " + MAX_HEADER_LINE + " bytes");
            }
            sb.append((char) b);
        }
        int n = sb.length();
        return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
    }

    private static InputStream body(InputStream in, int status, Map<String, List<String>> headers)
            throws IOException {
        if (status == 204 || status == 304) {
            return InputStream.nullInputStream();
        }
        List<String> codings = headers.getOrDefault("Transfer-Encoding", List.of());
        if (!codings.isEmpty() && codings.get(codings.size() - 1).toLowerCase(Locale.ROOT).endsWith("chunked")) {
            return new ChunkedBody(in);
        }
        List<String> length = headers.get("Content-Length");
        if (length != null) {
            try {
                return new BoundedBody(in, Long.parseLong(length.get(0)));
            } catch (NumberFormatException e) {
                throw new IOException("malformed Content-Length: " + length, e);
            }
        }
        return in; // the body ends when the server closes the connection
    }

    /** A chunked body (RFC 9112 section 7.1), returned piece by piece as chunks arrive. */
    static final class ChunkedBody extends InputStream {
        private final InputStream in;
        private long remainingInChunk;
        private boolean inChunk;
        private boolean done;

        ChunkedBody(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (remainingInChunk == 0) {
                if (done) {
                    return -1;
                }
                if (inChunk) {
                    // read only now, so that the bytes of a chunk are returned without waiting for what follows
                    expectCrlf();
                    inChunk = false;
                }
                if (!nextChunk()) {
                    return -1;
                }
                inChunk = true;
            }
            int n = in.read(b, off, (int) Math.min(len, remainingInChunk));
            if (n < 0) {
                throw new EOFException("connection closed inside a chunk (the response was cut short)");
            }
            remainingInChunk -= n;
            return n;
        }

        private boolean nextChunk() throws IOException {
            String line = readLineOrCut();
            int semicolon = line.indexOf(';'); // chunk extensions are ignored
            String size = (semicolon < 0 ? line : line.substring(0, semicolon)).strip();
            try {
                remainingInChunk = Long.parseLong(size, 16);
            } catch (NumberFormatException e) {
                throw new IOException("malformed chunk size line: " + Visible.of(line), e);
            }
            if (remainingInChunk == 0) {
                while (!readLineOrCut().isEmpty()) {
                    // trailer fields are ignored
                }
                done = true;
                return false;
            }
            return true;
        }

        private void expectCrlf() throws IOException {
            String rest = readLineOrCut();
            if (!rest.isEmpty()) {
                throw new IOException("chunk not followed by CRLF: " + Visible.of(rest));
            }
        }

        private String readLineOrCut() throws IOException {
            try {
                return readLine(in);
            } catch (EOFException e) {
                throw new EOFException("connection closed before the last chunk (the response was cut short)");
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** A body of known length. */
    static final class BoundedBody extends InputStream {
        private final InputStream in;
        private long remaining;

        BoundedBody(InputStream in, long length) {
            this.in = in;
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining == 0) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new EOFException("connection closed with " + remaining + " bytes of the body missing");
            }
            remaining -= n;
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
