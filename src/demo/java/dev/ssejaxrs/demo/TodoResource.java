package dev.ssejaxrs.demo;

import java.sql.SQLException;
import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.stream.EventStream;

/**
 * A database change feed: rows inserted into the {@code todos} table (by this resource or by anyone, {@code psql}
 * included) reach every open {@code GET /todos/stream}. The table's trigger sends {@code NOTIFY todo_inserted}; the
 * application's one {@link dev.ssejaxrs.postgres.PostgresChangeFeed} connection listens and publishes each row into
 * the {@code todos} topic as {@code event: todo_added}, so a thousand streams cost one database connection. With the
 * registry in PostgreSQL ({@code --store postgres}) there is no change feed: this resource publishes each row in the
 * transaction that inserts it, and the trigger publishes rows inserted by others into the registry's table.
 */
@Path("todos")
public final class TodoResource {
    /** The topic the change feed publishes the rows into. */
    static final Address TOPIC = Address.topic("todos");
    private static final int MAX_TITLE = 1_000;

    @Context
    private TodoDatabase database;

    @Context
    private EventRegistry registry;

    /** {@code GET /todos}: a page that shows the feed live and adds rows. */
    @GET
    @Produces(MediaType.TEXT_HTML + ";charset=UTF-8")
    public String page() {
        return StaticFiles.text("todos.html");
    }

    /** {@code POST /todos} {@code {"title": "..."}}: inserts a row; 201 {@code {"id": n}}. */
    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON + ";charset=UTF-8")
    public Response add(String body) {
        String title = JsonBody.parse(body).text("title");
        if (title.length() > MAX_TITLE) {
            throw JsonErrors.badRequest("title must be at most " + MAX_TITLE + " characters: " + title.length());
        }
        try {
            // with the registry in PostgreSQL: published in the insert's transaction, seen if and only if it commits
            long id = registry.options().postgres() == null ? database.insert(title)
                    : database.insert(title, (transaction, row) -> registry.publish(transaction, TOPIC,
                            SseEvent.builder().event("todo_added").data(row).build()));
            return Response.status(201).entity(JsonErrors.json(Map.of("id", id))).build();
        } catch (SQLException e) {
            throw new WebApplicationException("the database refused the row: " + e.getMessage(),
                    Response.status(Response.Status.SERVICE_UNAVAILABLE).build());
        }
    }

    /** {@code GET /todos/stream}: {@code event: todo_added} with the row as JSON; replay by {@code Last-Event-ID}. */
    @GET
    @Path("stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public EventStream stream(@HeaderParam("Last-Event-ID") String lastEventId,
            @QueryParam("lastEventId") String lastEventIdParam) {
        return registry.subscribe(TOPIC).lastEventId(lastEventId, lastEventIdParam).open();
    }
}
