package dev.ssejaxrs.testing;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import org.glassfish.jersey.server.ResourceConfig;

/**
 * Streams written with Jersey's own {@link SseEventSink}, so that these tests do not depend on the library's
 * streaming core. {@code /hand-over} gives each request's sink to the test, which then writes from its own thread.
 */
@Path("/")
public final class TestStreams {
    /** One request's sink, handed to the test. */
    record Opened(SseEventSink sink, Sse sse, String lastEventId) {
        void send(String data) {
            sink.send(sse.newEvent(data));
        }

        void send(OutboundSseEvent event) {
            sink.send(event);
        }

        void sendComment(String comment) {
            sink.send(sse.newEventBuilder().comment(comment).build());
        }

        /** Ends the response; Jakarta REST 4.0 declares {@code IOException} on {@code SseEventSink.close()}, 3.1 not. */
        void close() {
            try {
                ((AutoCloseable) sink).close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the sink failed", e);
            }
        }

        /** True once a write has failed: Jersey then closes the sink (its only way to notice a client leave). */
        boolean clientGone() {
            if (sink.isClosed()) {
                return true;
            }
            try {
                return sink.send(sse.newEventBuilder().comment("are you there").build()).toCompletableFuture().isCompletedExceptionally()
                        || sink.isClosed();
            } catch (IllegalStateException closed) {
                return true;
            }
        }
    }

    final BlockingQueue<Opened> opened = new LinkedBlockingQueue<>();
    /** Released by the test to let {@code /two-events} send its second event. */
    final CountDownLatch secondEvent = new CountDownLatch(1);

    /** The application: these resources plus a response header {@code X-Test: yes}. */
    ResourceConfig application() {
        ContainerResponseFilter header = (request, response) -> response.getHeaders().add("X-Test", "yes");
        return new ResourceConfig().register(this).register(header);
    }

    /** The next stream a client opened, waiting up to 5 s. */
    Opened nextOpened() throws InterruptedException {
        Opened o = opened.poll(5, TimeUnit.SECONDS);
        if (o == null) {
            throw new AssertionError("no request reached /hand-over within 5 s");
        }
        return o;
    }

    @GET
    @Path("hand-over")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void handOver(@Context SseEventSink sink, @Context Sse sse,
                         @HeaderParam("Last-Event-ID") String lastEventId) {
        opened.add(new Opened(sink, sse, lastEventId));
    }

    @GET
    @Path("two-events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void twoEvents(@Context SseEventSink sink, @Context Sse sse) {
        new Thread(() -> {
            try (sink) {
                sink.send(sse.newEventBuilder().id("1").data("first").build());
                if (secondEvent.await(10, TimeUnit.SECONDS)) {
                    sink.send(sse.newEventBuilder().id("2").name("last").data("second").build());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) { // Jakarta REST 4.0 declares IOException on SseEventSink.close()
                throw new IllegalStateException(e);
            }
        }, "two-events").start();
    }

    @GET
    @Path("finite")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void finite(@Context SseEventSink sink, @Context Sse sse) {
        try (sink) {
            sink.send(sse.newEventBuilder().comment("hello").build());
            for (int i = 1; i <= 3; i++) {
                sink.send(sse.newEventBuilder().id(Integer.toString(i)).data("event " + i).build());
            }
        } catch (Exception e) { // Jakarta REST 4.0 declares IOException on SseEventSink.close()
            throw new IllegalStateException(e);
        }
    }
}
