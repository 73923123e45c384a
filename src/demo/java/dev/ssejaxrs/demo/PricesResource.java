package dev.ssejaxrs.demo;

import java.util.Map;

import jakarta.json.bind.JsonbException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.Delivery;
import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.stream.EventStream;

/**
 * Latest-value mode: {@code POST /prices} publishes a symbol's price, and a new {@code GET /prices} first gets the
 * latest {@code event: price} of every symbol, then live ones (a stock ticker that is never blank). The registry
 * keeps the {@code prices} topic in latest-value mode with the symbol as key ({@link DemoApplication}).
 */
@Path("prices")
public final class PricesResource {
    /** The demo's own topic of prices (clients' topics are {@code topics/...}: none can reach it). */
    static final Address TOPIC = Address.topic("prices");
    private static final int MAX_SYMBOL = 32;

    @Context
    private EventRegistry registry;

    /** {@code POST /prices} {@code {"symbol": "ACME", "price": 12.5}}: 201 {@code {"id": "<event id>"}}. */
    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON + ";charset=UTF-8")
    public Response publish(String body) {
        JsonBody json = JsonBody.parse(body);
        String symbol = json.text("symbol");
        if (symbol.length() > MAX_SYMBOL) {
            throw JsonErrors.badRequest("symbol must be at most " + MAX_SYMBOL + " characters: " + symbol.length());
        }
        json.number("price");
        Delivery delivery = BroadcastResource.published(registry.publish(TOPIC,
                SseEvent.builder().event("price").data(body.strip()).build()));
        return Response.status(201).entity(JsonErrors.json(Map.of("id", delivery.id()))).build();
    }

    /** {@code GET /prices}: without {@code Last-Event-ID} the latest price of each symbol first, then live ones. */
    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public EventStream prices(@HeaderParam("Last-Event-ID") String lastEventId,
            @QueryParam("lastEventId") String lastEventIdParam) {
        return registry.subscribe(TOPIC).lastEventId(lastEventId, lastEventIdParam).open();
    }

    /** The key of a price event: its symbol (the registry asks when a subscriber starts in latest-value mode). */
    static String symbolOf(SseEvent event) {
        try {
            Object parsed = JsonErrors.parse(event.data());
            return parsed instanceof Map<?, ?> map && map.get("symbol") instanceof String symbol ? symbol : null;
        } catch (JsonbException | IllegalArgumentException e) {
            return null; // not a price: every such event is one value (none is published here)
        }
    }
}
