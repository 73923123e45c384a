package dev.ssejaxrs.readme;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import jakarta.inject.Inject;
import jakarta.ws.rs.*;
import jakarta.ws.rs.core.*;
import jakarta.ws.rs.sse.SseEventSink;

import dev.ssejaxrs.broadcast.*;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.stream.*;

// README: begin prices
@Path("/")
public class PricesResource {
    @GET @Path("prices") @Produces(MediaType.SERVER_SENT_EVENTS)
    public void prices(@Context SseEventSink sink) {
        Stream<String> prices = Stream.of("41.5", "42.0", "42.5");
        EventStream.of(prices, StreamOptions.builder().pingInterval(Duration.ofSeconds(5)).build()).sendTo(sink);
    }
}
// README: end prices
