package dev.ssejaxrs.demo;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.glassfish.hk2.utilities.binding.AbstractBinder;
import org.glassfish.jersey.server.ResourceConfig;

import dev.ssejaxrs.broadcast.AccessPolicy;
import dev.ssejaxrs.broadcast.BroadcastFeature;
import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.broadcast.RegistryOptions;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.postgres.PostgresChangeFeed;
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
    private final Jobs jobs = new Jobs();
    private final PostgresChangeFeed todoFeed;
    private final EventRegistry registry;
    private final McpCountServer mcp;

    /** The application; its registry on the Redis at {@code redisUri}, or in memory when it is {@code null}. */
    DemoApplication(TodoDatabase database, String redisUri) {
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
        register(new AbstractBinder() {
            @Override
            protected void configure() {
                bind(clock).to(ScheduledExecutorService.class);
                bind(jobs).to(Jobs.class);
                bind(database).to(TodoDatabase.class);
            }
        });
        // A demo: ANYONE MAY SUBSCRIBE to any topic or recipient. The library's default lets only the
        // authenticated principal subscribe to its own recipient stream.
        RegistryOptions.Builder options = RegistryOptions.builder().accessPolicy(AccessPolicy.anyone());
        if (redisUri != null) {
            // several demo processes on one Redis share topics, recipients and ids; other applications do not
            options.redis(RedisOptions.builder(redisUri).keyPrefix("sse-demo").build());
        }
        registry = new EventRegistry(options.build());
        register(new BroadcastFeature(registry));
        // one LISTEN connection for every /todos/stream; starts and stops with the application
        todoFeed = PostgresChangeFeed.builder(registry, database::connect)
                .listen(TodoDatabase.CHANNEL, TodoResource.TOPIC,
                        n -> SseEvent.builder().event("todo_added").data(n.payload()).build())
                .build();
        register(todoFeed);
        // POST/GET/DELETE /mcp: an MCP server (the official SDK) whose streams and sessions are in the registry
        mcp = McpCountServer.start(registry);
        registerResources(mcp.resource());
    }

    PostgresChangeFeed todoFeed() {
        return todoFeed;
    }

    @Override
    public void close() {
        todoFeed.close();
        mcp.close();
        jobs.close();
        clock.shutdownNow();
        registry.close(); // with Redis: its connections and threads
    }
}
