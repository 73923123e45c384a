package dev.ssejaxrs.it.boot;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import jakarta.inject.Singleton;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.stream.CloseReason;
import dev.ssejaxrs.stream.EventStream;
import dev.ssejaxrs.stream.SseRuntime;
import dev.ssejaxrs.stream.StreamOptions;

/**
 * The sample's endpoints: a returned {@link EventStream} of numbers, an endless stream that only pings (and says
 * goodbye with a {@code shutdown} event when the application stops), the {@code news} topic of the application's
 * {@link EventRegistry} (publish with {@code POST}, subscribe with {@code GET} and {@code Last-Event-ID}), and
 * {@code /stats}: open streams and how the streams ended. One instance for the application.
 */
@Singleton
@Path("/")
public class BootResource {
    private static final Address NEWS = Address.topic("news");

    private final Map<CloseReason, AtomicInteger> closed = new EnumMap<>(CloseReason.class);

    @Context
    private SseRuntime runtime;

    @Context
    private EventRegistry registry;

    public BootResource() {
        for (CloseReason reason : CloseReason.values()) {
            closed.put(reason, new AtomicInteger());
        }
    }

    /** {@code count} numbers at once, then the end of the response. */
    @GET
    @Path("numbers")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public EventStream numbers(@QueryParam("count") @DefaultValue("3") int count) {
        return EventStream.of(IntStream.rangeClosed(1, count).mapToObj(Integer::toString),
                StreamOptions.builder().onClose(this::record).build());
    }

    /** One {@code hello} event, then pings every {@code pingMs} until the client leaves or the application stops. */
    @GET
    @Path("endless")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public EventStream endless(@QueryParam("pingMs") @DefaultValue("200") long pingMs) {
        Flow.Publisher<String> helloThenSilence = subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
            private boolean greeted;

            @Override
            public synchronized void request(long n) {
                if (!greeted && n > 0) {
                    greeted = true;
                    subscriber.onNext("hello");
                }
            }

            @Override
            public void cancel() {
            }
        });
        return EventStream.of(helloThenSilence, StreamOptions.builder()
                .pingInterval(Duration.ofMillis(pingMs))
                .farewellEvent(SseEvent.builder().event("shutdown").data("bye").build())
                .onClose(this::record)
                .build());
    }

    /** The news topic, replaying what the client missed after {@code Last-Event-ID}. */
    @GET
    @Path("news")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public EventStream news(@HeaderParam("Last-Event-ID") String lastEventId) {
        return registry.subscribe(NEWS).lastEventId(lastEventId).open();
    }

    /** Publishes the body to the news topic; answers the event's id. */
    @POST
    @Path("news")
    @Consumes(MediaType.TEXT_PLAIN)
    @Produces(MediaType.TEXT_PLAIN)
    public String publish(String text) {
        return registry.publish(NEWS, SseEvent.of(text)).toCompletableFuture().join().id();
    }

    @GET
    @Path("stats")
    @Produces(MediaType.APPLICATION_JSON)
    public String stats() {
        StringBuilder json = new StringBuilder("{\"activeStreams\":").append(runtime.activeStreams())
                .append(",\"closed\":{");
        closed.forEach((reason, count) -> json.append(json.charAt(json.length() - 1) == '{' ? "" : ",")
                .append('"').append(reason).append("\":").append(count.get()));
        return json.append("}}").toString();
    }

    private void record(CloseReason reason) {
        closed.get(reason).incrementAndGet();
    }
}
