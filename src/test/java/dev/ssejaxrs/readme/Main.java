package dev.ssejaxrs.readme;

// README: begin main
import java.net.URI;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.hk2.utilities.binding.AbstractBinder;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpServerFactory;
import org.glassfish.jersey.server.ResourceConfig;

public class Main {
    public static void main(String[] args) throws InterruptedException {
        String port = System.getenv().getOrDefault("PORT", "8080");
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        HttpServer server = GrizzlyHttpServerFactory.createHttpServer(
                URI.create("http://127.0.0.1:" + port + "/"), application(clock));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {   // Ctrl-C: streams end with their farewell
            server.shutdownNow();
            clock.shutdownNow();
        }));
        System.out.println("listening on http://127.0.0.1:" + port + "/");
        Thread.currentThread().join();
    }

    static ResourceConfig application(ScheduledExecutorService clock) {
        return new ResourceConfig(NumbersResource.class, EndlessResource.class, PricesResource.class,
                NewsResource.class, FeedResource.class)
                .register(new AbstractBinder() {                  // @Inject ScheduledExecutorService
                    @Override
                    protected void configure() {
                        bind(clock).to(ScheduledExecutorService.class);
                    }
                });
    }
}
// README: end main
