package dev.ssejaxrs.http2;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

/**
 * The JDK's {@link HttpClient} speaking HTTP/2 (h2 over TLS, or h2c after an upgrade), with event streams read
 * line by line without a thread each; cancelling one resets that HTTP/2 stream (RST_STREAM) only.
 */
public final class Http2Client {
    private final HttpClient client;
    private final String base;

    /** A client of {@code base} ({@code https://...} with {@code tls} trusted, or {@code http://...} for h2c). */
    public Http2Client(String base, SSLContext tls) {
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(10));
        if (tls != null) {
            builder.sslContext(tls);
        }
        this.client = builder.build();
        this.base = base;
    }

    /** A plain request, answered in full (the first one upgrades an h2c connection). */
    public HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Opens an event stream; its lines arrive as the server sends them. */
    public Stream open(String path) {
        return open(path, Long.MAX_VALUE);
    }

    /**
     * Opens an event stream that reads only its first {@code lines} lines, then nothing: the client stops giving
     * the server window for this stream alone, like a frozen tab.
     */
    public Stream open(String path, long lines) {
        Stream stream = new Stream(lines);
        client.sendAsync(HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "text/event-stream").build(),
                head -> {
                    stream.head.complete(head);
                    return HttpResponse.BodySubscribers.fromLineSubscriber(stream);
                }).whenComplete((response, error) -> {
                    if (error != null) {
                        stream.head.completeExceptionally(error);
                    }
                });
        return stream;
    }

    /** One event stream: the lines received so far, and a way to reset it. */
    public static final class Stream implements Flow.Subscriber<String> {
        public final List<String> lines = new CopyOnWriteArrayList<>();
        private final CompletableFuture<Flow.Subscription> subscription = new CompletableFuture<>();
        private final CompletableFuture<HttpResponse.ResponseInfo> head = new CompletableFuture<>();
        private final long reading;

        Stream(long reading) {
            this.reading = reading;
        }

        /** The response head (status, version, headers), once it arrived; the body may go on. */
        public HttpResponse.ResponseInfo response() throws Exception {
            return head.get(30, TimeUnit.SECONDS);
        }

        /** Whether a line equal to {@code line} arrived. */
        public boolean received(String line) {
            return lines.contains(line);
        }

        /** Cancels this stream: the JDK client resets it (RST_STREAM); the connection stays. */
        public void cancel() throws Exception {
            subscription.get(30, TimeUnit.SECONDS).cancel();
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            s.request(reading);
            subscription.complete(s);
        }

        @Override
        public void onNext(String line) {
            lines.add(line);
        }

        @Override
        public void onError(Throwable error) {
            lines.add("<error " + error + ">");
        }

        @Override
        public void onComplete() {
            lines.add("<end>");
        }
    }
}
