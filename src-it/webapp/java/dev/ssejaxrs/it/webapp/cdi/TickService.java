package dev.ssejaxrs.it.webapp.cdi;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.event.SseEvent;

/**
 * A CDI service that publishes outside any request: every 200 ms, on the server's managed scheduled executor, a
 * {@code tick N} event to the topic {@code ticks}, through the {@code EventRegistry} it injects. It also keeps what
 * the last stream's close callback found, for {@code /cdi/close-check}.
 */
@ApplicationScoped
public class TickService {
    @Inject
    EventRegistry registry;
    @Resource(lookup = "java:comp/DefaultManagedScheduledExecutorService")
    ScheduledExecutorService scheduler;

    private final AtomicInteger ticks = new AtomicInteger();
    private final AtomicReference<String> lastCloseCheck = new AtomicReference<>("none");
    private ScheduledFuture<?> timer;

    void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
        timer = scheduler.scheduleAtFixedRate(
                () -> registry.publish("ticks", SseEvent.of("tick " + ticks.incrementAndGet())),
                200, 200, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    public String serviceName() {
        return "tick-service";
    }

    public void closeCheck(String found) {
        lastCloseCheck.set(found);
    }

    public String lastCloseCheck() {
        return lastCloseCheck.get();
    }
}
