package dev.ssejaxrs.demo;

import java.util.Set;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET /assets/{page}.js}: the scripts of the demo's pages, files of their own because the pages'
 * {@code Content-Security-Policy} (see {@link BrowserGuard}) runs no inline script.
 */
@Path("assets/{name}")
public final class PageScripts {
    private static final Set<String> SCRIPTS = Set.of("index.js", "todos.js", "htmx.js", "chat.js");

    @GET
    public Response script(@PathParam("name") String name) {
        if (!SCRIPTS.contains(name)) {
            throw new WebApplicationException("no such file: assets/" + name, Response.Status.NOT_FOUND);
        }
        return Response.ok(StaticFiles.text(name), "text/javascript;charset=UTF-8").build();
    }
}
