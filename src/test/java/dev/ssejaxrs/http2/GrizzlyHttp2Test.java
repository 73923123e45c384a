package dev.ssejaxrs.http2;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http2.Http2AddOn;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpContainer;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpContainerProvider;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpServerFactory;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.BroadcastFeature;
import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.broadcast.RegistryOptions;
import dev.ssejaxrs.demo.DemoTls;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.stream.CloseReason;
import dev.ssejaxrs.stream.EventStream;
import dev.ssejaxrs.stream.SseRuntime;
import dev.ssejaxrs.stream.StreamOptions;
import dev.ssejaxrs.test.RawClient;

/**
 * HTTP/2 on Grizzly, set up as the README shows (an {@link Http2AddOn} on the listener): h2c and h2 over TLS carry
 * many event streams on one connection, a client that resets one stream ends exactly that stream within a second,
 * and no connection header reaches an HTTP/2 response.
 */
class GrizzlyHttp2Test {
    private static final Duration WAIT = Duration.ofSeconds(Integer.getInteger("h2.wait", 20));
    private static final int STREAMS = Integer.getInteger("h2.streams", 30);

    private final List<CloseReason> closes = new CopyOnWriteArrayList<>();
    private final EventRegistry registry = new EventRegistry(RegistryOptions.builder()
            // no pings: the reset must be noticed without any write
            .streamOptions(StreamOptions.builder().pingInterval(Duration.ZERO).onClose(closes::add).build())
            .build());
    private HttpServer server;
    private GrizzlyHttpContainer container;

    @Path("/")
    public static final class Resource {
        @Context
        private EventRegistry registry;

        @GET
        @Path("news")
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public EventStream news(@Context org.glassfish.grizzly.http.server.Request request) {
            // the greeting names the client's port: the same port for every stream means one connection
            return registry.subscribe(Address.topic("news"))
                    .greeting(SseEvent.of(request.getProtocol().getProtocolString() + " from port " + request.getRemotePort())).open();
        }

        @GET
        @Path("hop")
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public EventStream hopByHopHeaders() {
            return EventStream.of(List.of("one", "two"), StreamOptions.builder().header("Connection", "keep-alive")
                    .header("Keep-Alive", "timeout=5").header("Upgrade", "h2c")
                    .header("Transfer-Encoding", "chunked").header("X-Kept", "yes").build());
        }

        @GET
        @Path("hello")
        @Produces(MediaType.TEXT_PLAIN)
        public String hello() {
            return "hello";
        }
    }

    /** 8 KiB events as fast as the client takes them; a client that takes none for a second is dropped. */
    @Path("/firehose")
    public static final class Firehose {
        private final StreamOptions options;

        Firehose(StreamOptions options) {
            this.options = options;
        }

        @GET
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public EventStream firehose() {
            return EventStream.of(java.util.stream.Stream.generate(() -> "x".repeat(8192)), options);
        }
    }

    private Http2Client start(boolean tls) throws Exception {
        DemoTls keys = tls ? DemoTls.selfSigned() : null;
        ResourceConfig app = new ResourceConfig(Resource.class).register(new BroadcastFeature(registry))
                .register(new Firehose(StreamOptions.builder().sendTimeout(Duration.ofSeconds(1))
                        .onClose(closes::add).build()));
        container = new GrizzlyHttpContainerProvider().createContainer(GrizzlyHttpContainer.class, app);
        // as in the README: create the server unstarted, add HTTP/2 to its listener, start it
        server = GrizzlyHttpServerFactory.createHttpServer(URI.create("http://127.0.0.1:0/"), container, tls,
                tls ? keys.serverConfigurator() : null, false);
        server.getListener("grizzly").registerAddOn(new Http2AddOn());
        server.start();
        int port = server.getListener("grizzly").getPort();
        return new Http2Client((tls ? "https" : "http") + "://127.0.0.1:" + port, tls ? keys.clientContext() : null);
    }

    private SseRuntime runtime() {
        return container.getApplicationHandler().getInjectionManager().getInstance(SseRuntime.class);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdownNow();
        }
        registry.close();
    }

    @ParameterizedTest(name = "over TLS: {0}")
    @ValueSource(booleans = {false, true})
    void thirtyStreamsShareOneConnection_andResettingOneEndsExactlyThatOneWithinASecond(boolean tls)
            throws Exception {
        Http2Client client = start(tls);
        HttpResponse<String> first = client.get("/hello"); // h2c: this request upgrades the connection
        assertEquals(HttpClient.Version.HTTP_2, first.version());

        List<Http2Client.Stream> streams = new ArrayList<>();
        for (int i = 0; i < STREAMS; i++) {
            streams.add(client.open("/news"));
        }
        for (Http2Client.Stream stream : streams) {
            assertEquals(HttpClient.Version.HTTP_2, stream.response().version());
            assertEquals(200, stream.response().statusCode());
        }
        await().atMost(WAIT).until(() -> streams.stream().allMatch(s -> s.lines.size() >= 1));
        Set<String> greetings = streams.stream().map(s -> s.lines.get(0)).collect(Collectors.toSet());
        assertEquals(1, greetings.size(), "one connection: " + greetings);
        assertTrue(greetings.iterator().next().startsWith("data: HTTP/2.0 from port "), greetings.toString());
        await().atMost(WAIT).until(() -> registry.stats().subscribers() == STREAMS);
        assertEquals(STREAMS, runtime().activeStreams());

        for (int n = 1; n <= 3; n++) { // each event reaches every stream as it is published
            String line = "data: event " + n;
            registry.publish("news", SseEvent.of("event " + n));
            await().atMost(WAIT).until(() -> streams.stream().allMatch(s -> s.received(line)));
        }

        // nothing is published after the reset: only the watchdog's check of the HTTP/2 stream can end it
        Http2Client.Stream reset = streams.get(7);
        reset.cancel();
        await().atMost(WAIT).until(() -> !closes.isEmpty());
        assertEquals(List.of(CloseReason.CLIENT_GONE), closes);
        await().atMost(WAIT).until(() -> runtime().activeStreams() == STREAMS - 1);
        await().atMost(WAIT).until(() -> registry.stats().subscribers() == STREAMS - 1);

        registry.publish("news", SseEvent.of("after the reset"));
        List<Http2Client.Stream> others = new ArrayList<>(streams);
        others.remove(reset);
        await().atMost(WAIT).until(() -> others.stream().allMatch(s -> s.received("data: after the reset")));
        assertFalse(reset.received("data: after the reset"));
        assertEquals(List.of(CloseReason.CLIENT_GONE), closes, "only the reset stream ended");
        assertEquals(STREAMS - 1, runtime().activeStreams());
        assertEquals(HttpClient.Version.HTTP_2, client.get("/hello").version());
    }

    @ParameterizedTest(name = "over TLS: {0}")
    @ValueSource(booleans = {false, true})
    void aFrozenStreamIsEndedBySendTimeout_withoutClosingTheConnectionOfTheOthers(boolean tls) throws Exception {
        Http2Client client = start(tls);
        client.get("/hello");
        Http2Client.Stream reading = client.open("/news");
        await().atMost(WAIT).until(() -> reading.lines.size() >= 1);
        Http2Client.Stream frozen = client.open("/firehose", 1);
        // Grizzly takes some megabytes for the stalled stream before it says the stream cannot take more
        await().atMost(WAIT).until(() -> closes.contains(CloseReason.SEND_TIMEOUT));
        assertEquals(List.of(CloseReason.SEND_TIMEOUT), closes);
        registry.publish("news", SseEvent.of("still here"));
        await().atMost(WAIT).until(() -> reading.received("data: still here"));
        Http2Client.Stream later = client.open("/news");
        await().atMost(WAIT).until(() -> later.lines.size() >= 1);
        assertEquals(reading.lines.get(0), later.lines.get(0), "the same connection");
        assertEquals(List.of(CloseReason.SEND_TIMEOUT), closes);
        assertEquals(2, runtime().activeStreams());
        assertTrue(frozen.lines.size() <= 1, "the frozen stream read one line");
    }

    @ParameterizedTest(name = "over TLS: {0}")
    @ValueSource(booleans = {false, true})
    void noConnectionHeaderReachesAnHttp2EventStream(boolean tls) throws Exception {
        Http2Client client = start(tls);
        client.get("/hello");
        Http2Client.Stream stream = client.open("/hop");
        HttpResponse.ResponseInfo response = stream.response();
        assertEquals(HttpClient.Version.HTTP_2, response.version());
        for (String name : List.of("connection", "keep-alive", "upgrade", "transfer-encoding")) {
            assertEquals(List.of(), response.headers().allValues(name), name);
        }
        assertEquals(List.of("yes"), response.headers().allValues("x-kept"));
        await().atMost(WAIT).until(() -> stream.received("<end>"));
        assertEquals(List.of("data: one", "", "data: two", "", "<end>"), stream.lines);
    }

    @ParameterizedTest(name = "over TLS: {0}")
    @ValueSource(booleans = {false})
    void theSameStreamOverHttp11_hasNoApplicationSetConnectionHeaderEither(boolean tls) throws Exception {
        start(tls);
        try (RawClient client = RawClient.get(server.getListener("grizzly").getPort(), "/hop")) {
            client.readToEnd(WAIT);
            assertEquals(200, client.status());
            for (String name : List.of("Connection", "Keep-Alive", "Upgrade")) {
                assertEquals(List.of(), client.headers(name), client.head());
            }
            assertEquals(List.of("chunked"), client.headers("Transfer-Encoding"), "Grizzly's own framing");
            assertEquals(List.of("yes"), client.headers("X-Kept"));
        }
    }
}
