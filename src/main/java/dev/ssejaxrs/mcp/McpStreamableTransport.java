package dev.ssejaxrs.mcp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import org.glassfish.jersey.process.Inflector;
import org.glassfish.jersey.server.model.Resource;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStreamableServerSession;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.ProtocolVersions;
import reactor.core.publisher.Mono;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.internal.core.EventStreams;
import dev.ssejaxrs.internal.jersey.InvalidAddressMapper;
import dev.ssejaxrs.stream.CloseReason;
import dev.ssejaxrs.stream.EventStream;

/**
 * The Model Context Protocol's Streamable HTTP transport (protocol 2025-11-25 and the earlier versions the SDK
 * speaks) for the official MCP Java SDK, served by Jakarta REST and this library: hand it to
 * {@code McpServer.sync(transport)} (or {@code async}) and register its {@link #resource(String) resource}.
 *
 * <pre>{@code
 * McpStreamableTransport transport = McpStreamableTransport.builder(registry).build();
 * McpSyncServer server = McpServer.sync(transport).serverInfo("shop", "1.0").tools(countTool).build();
 * resourceConfig.registerResources(transport.resource("/mcp"));
 * }</pre>
 *
 * <p>{@code POST} with a JSON-RPC message: {@code initialize} is answered with JSON and an {@code Mcp-Session-Id}
 * header; a notification or a response with 202; a request with an event stream that starts with a priming event (an
 * id and empty data) and ends after the request's JSON-RPC response. {@code GET} opens the session's stream for the
 * server's own messages; {@code GET} with {@code Last-Event-ID} resumes the stream that id came from, and only that
 * one, of the session named by the request's {@code Mcp-Session-Id}; {@code DELETE} ends the session. An unknown,
 * expired or deleted session gets 404; errors are 4xx with {@code {"error": "..."}}.
 *
 * <p>Every message goes through the {@link EventRegistry}: each stream is an address
 * ({@code <prefix>/<session id>/<stream key>}, a topic, opened with the request's caller so the registry's access
 * policy applies), its events carry the registry's ids prefixed with the stream key, and a stream that is cut can be
 * resumed from its history, on this node or, with the registry on Redis, on any node. On Redis the session moves too:
 * its record ({@code <prefix>/<session id>}) lets another node take it over (see the MCP guide for what moves and what
 * stays in the first node's memory).
 *
 * <p>Thread-safe. The SDK calls {@link #setSessionFactory} once, when its server is built; requests come on the
 * container's threads; sessions idle for longer than the {@linkplain Builder#sessionIdleTimeout idle timeout} are
 * ended by one daemon thread of the transport, which {@link #close()} stops.
 */
public final class McpStreamableTransport implements McpStreamableServerTransportProvider {
    private static final System.Logger LOG = System.getLogger(McpStreamableTransport.class.getName());
    /** The request and response header of the session id (MCP, "Session Management"). */
    public static final String SESSION_HEADER = "Mcp-Session-Id";
    private static final String PROTOCOL_HEADER = "MCP-Protocol-Version";
    private static final String LAST_EVENT_ID = "Last-Event-ID";
    private static final Pattern SESSION_ID = Pattern.compile("[0-9A-Za-z-]{1,64}");
    private static final Pattern STREAM_KEY = Pattern.compile("[lp][0-9a-f]{16}");
    private static final MediaType JSON = MediaType.APPLICATION_JSON_TYPE.withCharset("UTF-8");
    /** How long a request waits for the registry (Redis) to read a session's record before it answers 503. */
    private static final Duration RECORD_READ = Duration.ofSeconds(10);

    private final EventRegistry registry;
    private final McpJsonMapper json;
    private final String prefix;
    private final Duration idleTimeout;
    private final Duration retry;
    private final int maxMessageBytes;
    /** On Redis: sessions have records other nodes read and watch. */
    private final boolean shared;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper;
    private final SecureRandom random = new SecureRandom();
    private volatile McpStreamableServerSession.Factory sessionFactory;
    private volatile boolean closing;

    private McpStreamableTransport(Builder b) {
        this.registry = b.registry;
        this.json = b.json != null ? b.json : McpJsonDefaults.getMapper();
        this.prefix = b.prefix;
        this.idleTimeout = b.idleTimeout;
        this.retry = b.retry;
        this.maxMessageBytes = b.maxMessageBytes;
        this.shared = registry.options().redis() != null;
        ScheduledThreadPoolExecutor sweep = new ScheduledThreadPoolExecutor(1, task -> {
            Thread t = new Thread(task, "sse-mcp-sessions");
            t.setDaemon(true);
            return t;
        });
        sweep.setRemoveOnCancelPolicy(true);
        long period = Math.max(100, Math.min(30_000, idleTimeout.toMillis() / 8));
        sweep.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
        this.sweeper = sweep;
    }

    /**
     * A transport whose streams and sessions go through {@code registry}.
     *
     * @param registry the registry that keeps the streams' events (in memory, or on Redis for several nodes)
     * @return a builder with the defaults
     */
    public static Builder builder(EventRegistry registry) {
        return new Builder(registry);
    }

    /**
     * The Jersey resource that serves this transport at {@code path}: {@code POST}, {@code GET} and {@code DELETE}.
     * Register it with {@code resourceConfig.registerResources(transport.resource("/mcp"))}.
     *
     * @param path the resource's path, relative to the application (not null)
     * @return the resource
     */
    public Resource resource(String path) {
        Objects.requireNonNull(path, "path");
        Resource.Builder resource = Resource.builder(path);
        resource.addMethod(HttpMethod.POST).handledBy(new Handler(this::post));
        resource.addMethod(HttpMethod.GET).handledBy(new Handler(this::get));
        resource.addMethod(HttpMethod.DELETE).handledBy(new Handler(this::delete));
        return resource.build();
    }

    /**
     * A method of the resource. A class of its own, not a lambda: Jersey reads the request type from the class's
     * generic interface, and a lambda's is erased (Jersey would then read the body as an entity).
     */
    private static final class Handler implements Inflector<ContainerRequestContext, Response> {
        private final java.util.function.Function<ContainerRequestContext, Response> method;

        Handler(java.util.function.Function<ContainerRequestContext, Response> method) {
            this.method = method;
        }

        @Override
        public Response apply(ContainerRequestContext request) {
            return method.apply(request);
        }
    }

    /**
     * The protocol versions this transport serves: those of the SDK up to 2025-11-25.
     *
     * @return the versions, oldest first
     */
    @Override
    public List<String> protocolVersions() {
        return List.of(ProtocolVersions.MCP_2024_11_05, ProtocolVersions.MCP_2025_03_26,
                ProtocolVersions.MCP_2025_06_18, ProtocolVersions.MCP_2025_11_25);
    }

    /**
     * Called by the SDK when its server is built.
     *
     * @param sessionFactory makes the SDK's session for an {@code initialize} request
     */
    @Override
    public void setSessionFactory(McpStreamableServerSession.Factory sessionFactory) {
        this.sessionFactory = Objects.requireNonNull(sessionFactory, "sessionFactory");
    }

    /**
     * Sends a notification to every session this node serves, on its listening stream.
     *
     * @param method the notification's method
     * @param params its parameters
     * @return completes when every session has been sent it (failures are logged, not signalled)
     */
    @Override
    public Mono<Void> notifyClients(String method, Object params) {
        return reactor.core.publisher.Flux.fromIterable(List.copyOf(sessions.values()))
                .flatMap(s -> s.sdk.sendNotification(method, params).onErrorResume(e -> {
                    LOG.log(System.Logger.Level.DEBUG, "notification " + method + " not sent to MCP session "
                            + s.id + ": " + e);
                    return Mono.empty();
                }))
                .then();
    }

    /**
     * Ends every session of this node (their streams end after the SDK's last messages) and stops the idle sweep;
     * requests then get 503. The registry stays open: it is the application's.
     *
     * @return completes once the sessions are closed
     */
    @Override
    public Mono<Void> closeGracefully() {
        return Mono.defer(() -> {
            closing = true;
            sweeper.shutdownNow();
            List<Session> all = List.copyOf(sessions.values());
            sessions.clear();
            return reactor.core.publisher.Flux.fromIterable(all)
                    .flatMap(s -> s.end().onErrorResume(e -> Mono.empty()))
                    .then();
        });
    }

    /** Ends every session of this node now, as {@link #closeGracefully()} does, and waits for it. */
    @Override
    public void close() {
        closeGracefully().block(Duration.ofSeconds(30));
    }

    // ---- POST ----

    private Response post(ContainerRequestContext request) {
        Response refused = refuseRequest(request, true);
        if (refused != null) {
            return refused;
        }
        MediaType type = request.getMediaType();
        if (type == null || !MediaType.APPLICATION_JSON_TYPE.isCompatible(type) || type.isWildcardType()) {
            return error(415, "Content-Type must be application/json, not " + type);
        }
        McpSchema.JSONRPCMessage message;
        try {
            message = McpSchema.deserializeJsonRpcMessage(json, body(request));
        } catch (IOException | IllegalArgumentException e) {
            return error(400, "the body is not a JSON-RPC message: " + e.getMessage());
        } catch (TooLarge e) {
            return error(413, e.getMessage());
        }
        if (message instanceof McpSchema.JSONRPCRequest call && McpSchema.METHOD_INITIALIZE.equals(call.method())) {
            return initialize(call, request.getSecurityContext());
        }
        Session session = namedSession(request);
        session.touch();
        if (message instanceof McpSchema.JSONRPCRequest call) {
            return respond(session, call, request.getSecurityContext());
        }
        try {
            Mono<Void> accepted = message instanceof McpSchema.JSONRPCResponse answer ? session.sdk.accept(answer)
                    : session.sdk.accept((McpSchema.JSONRPCNotification) message);
            accepted.contextWrite(ctx -> ctx.put(McpTransportContext.KEY, McpTransportContext.EMPTY))
                    .block(RECORD_READ);
        } catch (RuntimeException e) {
            return error(400, "the message was not accepted: " + e.getMessage());
        }
        return Response.accepted().build();
    }

    private Response initialize(McpSchema.JSONRPCRequest call, SecurityContext security) {
        McpStreamableServerSession.Factory factory = sessionFactory;
        if (factory == null) {
            return error(503, "no MCP server uses this transport yet (McpServer.sync(transport)...build())");
        }
        McpSchema.InitializeRequest init;
        try {
            init = json.convertValue(call.params(), new TypeRef<McpSchema.InitializeRequest>() {
            });
        } catch (RuntimeException e) {
            return error(400, "the initialize request's params are not valid: " + e.getMessage());
        }
        McpStreamableServerSession.McpStreamableServerSessionInit started = factory.startSession(init);
        McpSchema.InitializeResult result;
        try {
            result = started.initResult().block(RECORD_READ);
        } catch (RuntimeException e) {
            started.session().close();
            return error(400, "initialize failed: " + e.getMessage());
        }
        String owner = owner(security);
        Session session = new Session(started.session().getId(), started.session(), owner);
        if (shared) {
            try {
                // stored before the client learns the id, so that any node can take the session over at once
                session.record = recordData(owner, call.params());
                session.publishRecord().get(RECORD_READ.toMillis(), TimeUnit.MILLISECONDS);
                session.watch = SessionWatch.open(registry, recordAddress(session.id), () -> drop(session));
                session.watch.onRefresh(session::touchFromRecord);
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                started.session().close();
                return error(503, "the session could not be stored in the registry: " + rootMessage(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                started.session().close();
                return error(503, "interrupted while storing the session");
            }
        }
        sessions.put(session.id, session);
        String body;
        try {
            body = json.writeValueAsString(McpSchema.JSONRPCResponse.result(call.id(), result));
        } catch (IOException e) {
            return error(400, "the initialize result cannot be written: " + e.getMessage());
        }
        return Response.ok(body, JSON).header(SESSION_HEADER, session.id).build();
    }

    /** A request: its response stream, on the address of a new stream key. */
    private Response respond(Session session, McpSchema.JSONRPCRequest call, SecurityContext security) {
        String key = "p" + newKey();
        Address address = streamAddress(session.id, key);
        EventStream stream = registry.subscribe(address).caller(security).open(); // its position: before the primer
        StreamTransport transport = new StreamTransport(registry, address, json);
        Mono<Void> handling = session.sdk.responseStream(call, transport)
                .contextWrite(ctx -> ctx.put(McpTransportContext.KEY, McpTransportContext.EMPTY));
        registry.publish(address, primer()).whenComplete((d, failure) -> {
            if (failure != null) { // the subscription fails its join too: the client retries
                transport.close();
                return;
            }
            handling.subscribe(v -> { }, e -> LOG.log(System.Logger.Level.WARNING, "MCP request " + call.method()
                    + " of session " + session.id + " failed: " + e));
        });
        return Response.ok(keyed(stream, key, session)).build();
    }

    // ---- GET ----

    private Response get(ContainerRequestContext request) {
        Response refused = refuseRequest(request, false);
        if (refused != null) {
            return refused;
        }
        SecurityContext security = request.getSecurityContext();
        Session session = namedSession(request);
        session.touch();
        String lastEventId = request.getHeaderString(LAST_EVENT_ID);
        if (lastEventId != null && !lastEventId.isEmpty()) {
            int cut = lastEventId.indexOf(KeyedEvents.SEPARATOR);
            String key = cut < 0 ? "" : lastEventId.substring(0, cut);
            if (!STREAM_KEY.matcher(key).matches()) {
                return error(400, LAST_EVENT_ID + " is not an event id of an MCP stream: " + quote(lastEventId));
            }
            // the address is the one of the session this request names: another session's stream is never reached
            EventStream stream = registry.subscribe(streamAddress(session.id, key)).caller(security)
                    .lastEventId(lastEventId.substring(cut + 1)).open();
            return Response.ok(keyed(stream, key, session)).build();
        }
        String key = "l" + newKey();
        Address address = streamAddress(session.id, key);
        EventStream stream = registry.subscribe(address).caller(security).open();
        StreamTransport transport = new StreamTransport(registry, address, json);
        registry.publish(address, primer()).whenComplete((d, failure) -> {
            if (failure == null) {
                session.sdk.listeningStream(transport); // the SDK closes the one it replaces: that GET ends
            }
        });
        return Response.ok(keyed(stream, key, session)).build();
    }

    // ---- DELETE ----

    private Response delete(ContainerRequestContext request) {
        if (closing) {
            return error(503, "the MCP transport is shutting down");
        }
        Session session = namedSession(request);
        String id = session.id;
        if (shared) {
            try {
                registry.publish(recordAddress(id), SseEvent.builder().event(SessionWatch.DELETED).data(id).build())
                        .toCompletableFuture().get(RECORD_READ.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                return error(503, "the end of the session could not be stored in the registry: " + rootMessage(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return error(503, "interrupted while ending the session");
            }
        }
        drop(session);
        return Response.noContent().build();
    }

    // ---- sessions ----

    /** The session the request's {@code Mcp-Session-Id} names: 400 without one, 404 when it is not alive. */
    private Session namedSession(ContainerRequestContext request) {
        String id = request.getHeaderString(SESSION_HEADER);
        if (id == null || id.isEmpty()) {
            throw new WebApplicationException(error(400, "the " + SESSION_HEADER
                    + " header is required (it is the initialize response's)"));
        }
        Session session = session(id, request.getSecurityContext());
        if (session == null) {
            throw new WebApplicationException(error(404, "no MCP session " + quote(id)
                    + " (unknown, expired or ended): initialize a new one"));
        }
        return session;
    }

    /** The session {@code id} if it is alive and the caller may use it: this node's, or taken over (Redis). */
    private Session session(String id, SecurityContext security) {
        if (!SESSION_ID.matcher(id).matches()) {
            return null;
        }
        Session session = sessions.get(id);
        if (session == null && shared) {
            session = takeOver(id);
        }
        if (session == null) {
            return null;
        }
        if (session.idleFor() > idleTimeout.toNanos() && session.openStreams.get() == 0) {
            drop(session);
            return null;
        }
        // a session is its creator's: another principal (or an anonymous caller) is told it does not exist
        return Objects.equals(session.owner, owner(security)) ? session : null;
    }

    /** Reads the session's record in the registry and, when it is alive, makes the SDK's session for it here. */
    private Session takeOver(String id) {
        McpStreamableServerSession.Factory factory = sessionFactory;
        if (factory == null) {
            return null;
        }
        String[] holder = {null};
        SessionWatch watch = SessionWatch.open(registry, recordAddress(id), () -> {
            Session taken = sessions.get(holder[0]);
            if (taken != null) {
                drop(taken);
            }
        });
        String record;
        try {
            record = watch.read().get(RECORD_READ.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            watch.close();
            throw new WebApplicationException(error(503, "the session's record could not be read from the "
                    + "registry: " + rootMessage(e)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            watch.close();
            return null;
        }
        Map<String, Object> fields = record == null ? null : parseRecord(record);
        if (fields == null || watch.lastSeenMillis() + idleTimeout.toMillis() < System.currentTimeMillis()) {
            watch.close();
            return null;
        }
        McpSchema.InitializeRequest init = json.convertValue(fields.get("initialize"),
                new TypeRef<McpSchema.InitializeRequest>() {
                });
        McpStreamableServerSession sdk = factory.startSession(init).session();
        Session session = new Session(id, sdk, (String) fields.get("owner"));
        session.record = record;
        session.watch = watch;
        holder[0] = id;
        Session raced = sessions.putIfAbsent(id, session);
        if (raced != null) { // another request of this node took it over first
            watch.close();
            sdk.close();
            return raced;
        }
        watch.onRefresh(session::touchFromRecord);
        LOG.log(System.Logger.Level.DEBUG, "MCP session " + id + " taken over from the registry");
        return session;
    }

    private Map<String, Object> parseRecord(String record) {
        try {
            return json.readValue(record, new TypeRef<Map<String, Object>>() {
            });
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "an MCP session record that is not JSON: " + e.getMessage());
            return null;
        }
    }

    private String recordData(String owner, Object initializeParams) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("owner", owner);
        fields.put("initialize", initializeParams);
        try {
            return json.writeValueAsString(fields);
        } catch (IOException e) {
            throw new IllegalArgumentException("the initialize request cannot be written as JSON: " + e.getMessage(),
                    e);
        }
    }

    /** Ends a session on this node: its SDK session closes its streams (each gets its end marker). */
    private void drop(Session session) {
        if (sessions.remove(session.id, session)) {
            session.end().subscribe(v -> { }, e -> LOG.log(System.Logger.Level.DEBUG,
                    "MCP session " + session.id + " ended with " + e));
        }
    }

    /** Ends sessions idle for longer than the timeout; on Redis, keeps the records of those in use fresh. */
    private void sweep() {
        try {
            for (Session session : sessions.values()) {
                if (session.openStreams.get() > 0) {
                    session.touch();
                } else if (session.idleFor() > idleTimeout.toNanos()) {
                    drop(session);
                }
            }
        } catch (RuntimeException e) { // never let one failure stop the sweep
            LOG.log(System.Logger.Level.WARNING, "the MCP session sweep failed: " + e);
        }
    }

    private Address streamAddress(String session, String key) {
        return Address.topic(prefix + "/" + session + "/" + key);
    }

    private Address recordAddress(String session) {
        return Address.topic(prefix + "/" + session);
    }

    // ---- streams ----

    /** The client's view of a registry stream: ids prefixed with the key, the end marker ends it. */
    private EventStream keyed(EventStream subscription, String key, Session session) {
        Flow.Publisher<?> events = EventStreams.source(subscription).publisher(Runnable::run);
        java.util.function.Consumer<CloseReason> registryOnClose = subscription.options().onClose();
        Address address = streamAddress(session.id, key);
        session.openStreams.incrementAndGet();
        session.streaming.merge(address, 1, Integer::sum);
        return EventStream.of(new KeyedEvents(events, key), subscription.options().toBuilder()
                .farewellEvent(SseEvent.builder().retry(retry).build()) // shutdown: clients come back after it
                .onClose(reason -> {
                    session.openStreams.decrementAndGet();
                    session.streaming.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
                    session.touch();
                    registryOnClose.accept(reason);
                })
                .build());
    }

    /** The first event of a new stream: an id to resume from, empty data (MCP 2025-11-25), the retry delay. */
    private SseEvent primer() {
        return SseEvent.builder().data("").retry(retry).build();
    }

    private String newKey() {
        byte[] bytes = new byte[8];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    // ---- HTTP ----

    /** 503 while closing, 406 when the client does not accept what the method answers, 400 on a bad version. */
    private Response refuseRequest(ContainerRequestContext request, boolean post) {
        if (closing) {
            return error(503, "the MCP transport is shutting down");
        }
        List<MediaType> accepted = request.getAcceptableMediaTypes();
        boolean events = accepted.stream().anyMatch(t -> t.isCompatible(MediaType.SERVER_SENT_EVENTS_TYPE));
        boolean jsonToo = accepted.stream().anyMatch(t -> t.isCompatible(MediaType.APPLICATION_JSON_TYPE));
        if (!events || (post && !jsonToo)) {
            return error(406, post ? "Accept must list application/json and text/event-stream"
                    : "Accept must list text/event-stream");
        }
        String version = request.getHeaderString(PROTOCOL_HEADER);
        if (version != null && !version.isEmpty() && !protocolVersions().contains(version)) {
            return error(400, PROTOCOL_HEADER + " " + quote(version) + " is not one of " + protocolVersions());
        }
        return null;
    }

    private String body(ContainerRequestContext request) throws IOException, TooLarge {
        InputStream in = request.getEntityStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
            if (out.size() > maxMessageBytes) {
                throw new TooLarge("a JSON-RPC message may have at most " + maxMessageBytes + " bytes");
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static Response error(int status, String message) {
        return Response.status(status).type(JSON).entity(InvalidAddressMapper.errorJson(message)).build();
    }

    private static String owner(SecurityContext security) {
        return security == null || security.getUserPrincipal() == null ? null
                : security.getUserPrincipal().getName();
    }

    private static String quote(String value) {
        return "\"" + (value.length() > 100 ? value.substring(0, 100) + "..." : value) + "\"";
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }

    /** The body is over {@code maxMessageBytes}. */
    private static final class TooLarge extends Exception {
        TooLarge(String message) {
            super(message, null, false, false);
        }
    }

    /** One MCP session on this node: the SDK's session, its owner and, on Redis, its record and watch. */
    private final class Session {
        final String id;
        final McpStreamableServerSession sdk;
        final String owner;
        final AtomicInteger openStreams = new AtomicInteger();
        /** The addresses this node's open responses of the session stream, with how many each. */
        final Map<Address, Integer> streaming = new ConcurrentHashMap<>();
        volatile long lastUsed = System.nanoTime();
        /** On Redis: when this node last published the record (refreshing it for every node), in nanos. */
        volatile long lastPublished = System.nanoTime();
        volatile String record;
        volatile SessionWatch watch;

        Session(String id, McpStreamableServerSession sdk, String owner) {
            this.id = id;
            this.sdk = sdk;
            this.owner = owner;
        }

        long idleFor() {
            return System.nanoTime() - lastUsed;
        }

        /** Used now; on Redis, every node hears of it through the record, at most every quarter of the timeout. */
        void touch() {
            long now = System.nanoTime();
            lastUsed = now;
            if (shared && record != null && now - lastPublished > idleTimeout.toNanos() / 4) {
                lastPublished = now;
                publishRecord().whenComplete((d, e) -> {
                    if (e != null) {
                        LOG.log(System.Logger.Level.DEBUG, "the record of MCP session " + id + " was not refreshed: "
                                + e);
                    }
                });
            }
        }

        /** Another node used the session: it is not idle here either. */
        void touchFromRecord() {
            lastUsed = System.nanoTime();
        }

        java.util.concurrent.CompletableFuture<?> publishRecord() {
            return registry.publish(recordAddress(id), SseEvent.builder().event(SessionWatch.SESSION).data(record)
                    .build()).toCompletableFuture();
        }

        Mono<Void> end() {
            SessionWatch w = watch;
            if (w != null) {
                w.close();
            }
            // the SDK ends its streams with their end markers; a resume of a stream it never had ends on one of its
            // own, published here: a stream whose join is still under way replays it (it was published after the
            // stream opened), where a disconnect would miss a subscriber that has not joined yet
            return sdk.closeGracefully().doFinally(signal -> streaming.keySet().forEach(this::endStream));
        }

        private void endStream(Address address) {
            try {
                registry.publish(address, StreamTransport.endMarker()).exceptionally(e -> {
                    registry.disconnectAll(address); // not stored (store away): at least the local streams end
                    return null;
                });
            } catch (RuntimeException e) { // the registry is closed: its streams end with it
                LOG.log(System.Logger.Level.DEBUG, "the end of MCP stream " + address.name() + " was not stored: " + e);
            }
        }
    }

    /**
     * Options of a {@link McpStreamableTransport}; every one has a default.
     *
     * <pre>{@code
     * McpStreamableTransport.builder(registry).sessionIdleTimeout(Duration.ofMinutes(10)).build();
     * }</pre>
     */
    public static final class Builder {
        private final EventRegistry registry;
        private McpJsonMapper json;
        private String prefix = "mcp";
        private Duration idleTimeout = Duration.ofMinutes(30);
        private Duration retry = Duration.ofSeconds(1);
        private int maxMessageBytes = 4 * 1024 * 1024;

        private Builder(EventRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /**
         * The SDK's JSON mapper for the messages; by default the one the SDK finds on the class path
         * ({@code mcp-json-jackson3} or {@code -jackson2}).
         *
         * @param mapper the mapper (not null)
         * @return this builder
         */
        public Builder jsonMapper(McpJsonMapper mapper) {
            this.json = Objects.requireNonNull(mapper, "mapper");
            return this;
        }

        /**
         * The first part of every registry address of this transport ({@code <prefix>/<session>/<stream>}); two
         * MCP servers on one registry need two prefixes. Default {@code mcp}.
         *
         * @param prefix 1 to 40 letters, digits, {@code -} or {@code .}
         * @return this builder
         * @throws IllegalArgumentException when the prefix is empty, too long or has another character
         */
        public Builder addressPrefix(String prefix) {
            Objects.requireNonNull(prefix, "prefix");
            if (!prefix.matches("[0-9A-Za-z.-]{1,40}")) {
                throw new IllegalArgumentException("addressPrefix must be 1 to 40 letters, digits, '-' or '.': \""
                        + prefix + "\"");
            }
            this.prefix = prefix;
            return this;
        }

        /**
         * How long a session lives without a request or an open stream (on any node, with Redis); then it is ended
         * and its id gets 404. Default 30 minutes. On Redis a session also ends once the registry no longer retains
         * its record: keep the registry's {@code historyAge} longer than this.
         *
         * @param timeout at least one second
         * @return this builder
         * @throws IllegalArgumentException when the timeout is shorter than one second
         */
        public Builder sessionIdleTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("sessionIdleTimeout must be at least 1 s: " + timeout);
            }
            this.idleTimeout = timeout;
            return this;
        }

        /**
         * The {@code retry:} sent with each stream's priming event and as the last event when the application
         * shuts down: how long the client waits before it resumes with {@code Last-Event-ID}. Default 1 s.
         *
         * @param delay zero or more
         * @return this builder
         * @throws IllegalArgumentException when the delay is negative
         */
        public Builder retry(Duration delay) {
            Objects.requireNonNull(delay, "delay");
            if (delay.isNegative()) {
                throw new IllegalArgumentException("retry must not be negative: " + delay);
            }
            this.retry = delay;
            return this;
        }

        /**
         * The largest {@code POST} body, in bytes; a larger one gets 413. Default 4 MiB.
         *
         * @param bytes at least 1,024
         * @return this builder
         * @throws IllegalArgumentException when it is below 1,024
         */
        public Builder maxMessageBytes(int bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxMessageBytes must be at least 1024: " + bytes);
            }
            this.maxMessageBytes = bytes;
            return this;
        }

        /**
         * The transport, for {@code McpServer.sync(transport)} or {@code McpServer.async(transport)}.
         *
         * @return a new transport; {@link McpStreamableTransport#close()} stops it
         */
        public McpStreamableTransport build() {
            return new McpStreamableTransport(this);
        }
    }
}
