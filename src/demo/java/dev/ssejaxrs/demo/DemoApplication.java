package dev.ssejaxrs.demo;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.glassfish.hk2.utilities.binding.AbstractBinder;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;

import dev.ssejaxrs.broadcast.AccessPolicy;
import dev.ssejaxrs.broadcast.BroadcastFeature;
import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.broadcast.RegistryOptions;
import dev.ssejaxrs.broadcast.ResumableOptions;
import dev.ssejaxrs.broadcast.ResumableStreams;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.postgres.PostgresChangeFeed;
import dev.ssejaxrs.postgres.PostgresOptions;
import dev.ssejaxrs.redis.RedisOptions;

/**
 * The demo's JAX-RS application: its resources (registered as classes, their collaborators injected with
 * {@code @Context}), its JSON error mapping, a clock for timed events, the background jobs, and the change feed of
 * the todos table.
 */
final class DemoApplication extends ResourceConfig implements AutoCloseable {
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread t = new Thread(task, "demo-clock");
        t.setDaemon(true);
        return t;
    });
    private final Jobs jobs;
    private final DemoTokens tokens = new DemoTokens();
    private final PostgresChangeFeed todoFeed;
    private final EventRegistry registry;
    private final ResumableStreams answers;
    private final McpCountServer mcp;

    /**
     * The application; its registry on the Redis at {@code redisUri}, or in the todos' PostgreSQL when
     * {@code storeInPostgres}, else in memory.
     */
    DemoApplication(TodoDatabase database, String redisUri, boolean storeInPostgres) {
        register(StreamingResource.class);
        register(BroadcastResource.class);
        register(EventsResource.class);
        register(BodyLimit.class);
        register(IndexPage.class);
        register(StatsResource.class);
        register(JsonErrors.class);
        register(BrowserGuard.class); // Host (DNS rebinding), Origin, content types, the pages' CSP
        register(PageScripts.class);
        // the use cases: a database change feed, job progress, htmx, a live dashboard
        register(TodoResource.class);
        register(JobResource.class);
        register(HtmxResource.class);
        register(StatsStreamResource.class);
        register(WebJarResource.class);
        register(TokenResource.class); // signed bearer tokens whose exp ends the stream (issue 26)
        // what a page needs besides events: who watches, the latest value first (issue 28)
        register(PresenceResource.class);
        register(PricesResource.class);
        register(ChatResource.class);
        // Location headers as given (POST /chat answers "Location: /chat/<id>"), not made absolute by Jersey
        property(ServerProperties.LOCATION_HEADER_RELATIVE_URI_RESOLUTION_DISABLED, true);
        register(new AbstractBinder() {
            @Override
            protected void configure() {
                bind(clock).to(ScheduledExecutorService.class);
                bind(jobs).to(Jobs.class);
                bind(database).to(TodoDatabase.class);
                bind(tokens).to(DemoTokens.class);
                bind(answers).to(ResumableStreams.class);
            }
        });
        // A demo: ANYONE MAY SUBSCRIBE to any topic or recipient. The library's default lets only the
        // authenticated principal subscribe to its own recipient stream.
        RegistryOptions.Builder options = RegistryOptions.builder().accessPolicy(AccessPolicy.anyone())
                // the contract keeps at least the last 1,000 events of a topic, whatever their size up to the largest
                .historyBytes(1000 * RegistryOptions.defaults().maxEventSize());
        if (!storeInPostgres) { // the PostgreSQL store keeps neither yet: presence and /prices need memory or Redis
            options.presenceEvents(Duration.ofSeconds(1))
                    .latestValue(PricesResource.TOPIC::equals, PricesResource::symbolOf);
        }
        if (redisUri != null) {
            // several demo processes on one Redis share topics, recipients and ids; other applications do not
            options.redis(RedisOptions.builder(redisUri).keyPrefix("sse-demo").build());
        }
        if (storeInPostgres) {
            // waits for the embedded PostgreSQL: the registry creates its tables there at start
            options.postgres(PostgresOptions.builder(database::connect).tablePrefix(STORE_PREFIX).build());
        }
        registry = new EventRegistry(options.build());
        jobs = new Jobs(registry);
        // the chat's answers: in memory, or on the same Redis under a prefix of their own (any node resumes them)
        answers = new ResumableStreams(ResumableOptions.builder().redis(redisUri == null ? null
                : RedisOptions.builder(redisUri).keyPrefix("sse-demo-chat").build()).build());
        register(new BroadcastFeature(registry));
        if (storeInPostgres) {
            // no change feed: POST /todos publishes in its insert's transaction, a row from psql through the trigger
            try {
                database.publishInsertsInto(STORE_PREFIX + "_events");
            } catch (java.sql.SQLException e) {
                registry.close();
                throw new IllegalStateException("cannot install the todos trigger: " + e.getMessage(), e);
            }
            todoFeed = null;
        } else {
            // one LISTEN connection for every /todos/stream; starts and stops with the application
            todoFeed = PostgresChangeFeed.builder(registry, database::connect)
                    .listen(TodoDatabase.CHANNEL, TodoResource.TOPIC,
                            n -> SseEvent.builder().event("todo_added").data(n.payload()).build())
                    .build();
            register(todoFeed);
        }
        // POST/GET/DELETE /mcp: an MCP server (the official SDK) whose streams and sessions are in the registry
        mcp = McpCountServer.start(registry);
        registerResources(mcp.resource());
    }

    /** The table prefix of the registry in PostgreSQL ({@code --store postgres}). */
    static final String STORE_PREFIX = "sse_demo";

    /** The change feed of the todos, or {@code null} when the registry is in PostgreSQL. */
    PostgresChangeFeed todoFeed() {
        return todoFeed;
    }

    @Override
    public void close() {
        if (todoFeed != null) {
            todoFeed.close();
        }
        mcp.close();
        jobs.close();
        answers.close(); // running answers end with event: error, stored for the other nodes
        clock.shutdownNow();
        registry.close(); // with Redis: its connections and threads
    }
}
