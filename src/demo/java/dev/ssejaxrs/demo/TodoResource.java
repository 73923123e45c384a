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
import dev.ssejaxrs.broadcast.RenderCursor;
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
    /** The rows a page shows when it opens (the newest). */
    private static final int RENDERED = 500;

    @Context
    private TodoDatabase database;

    @Context
    private EventRegistry registry;

    /**
     * {@code GET /todos}: the newest rows rendered here, and the stream's cursor taken <em>before</em> reading them
     * (in the page, and as {@code Last-Event-ID}): every row whose event comes after the cursor reaches the page
     * through the stream, every earlier one is in the query. A row committed between the two is in both; the page
     * knows it by its id.
     */
    @GET
    @Produces(MediaType.TEXT_HTML + ";charset=UTF-8")
    public Response page() {
        String cursor = registry.head(TOPIC);
        StringBuilder rows = new StringBuilder();
        try {
            for (TodoDatabase.Row row : database.newest(RENDERED)) {
                rows.append("<tr class=\"todo\" data-id=\"").append(row.id()).append("\"><td class=\"id\">")
                        .append(row.id()).append("</td><td class=\"title\">").append(HtmxResource.escape(row.title()))
                        .append("</td><td class=\"at\">").append(HtmxResource.escape(row.createdAt()))
                        .append("</td></tr>");
            }
        } catch (SQLException e) {
            throw new WebApplicationException("the database cannot be read now: try again",
                    Response.status(Response.Status.SERVICE_UNAVAILABLE).header("Retry-After", "5").build());
        }
        String html = StaticFiles.text("todos.html")
                .replace("<body data-cursor=\"\">", "<body data-cursor=\"" + HtmxResource.escape(cursor) + "\">")
                .replace("<tbody id=\"todos\"></tbody>", "<tbody id=\"todos\">" + rows + "</tbody>");
        return RenderCursor.header(Response.ok(html), cursor).build();
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
