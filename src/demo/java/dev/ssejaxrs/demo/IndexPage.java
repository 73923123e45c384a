package dev.ssejaxrs.demo;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /}: the front page: every demo linked, a topic's live events, a live chart of the server's figures. */
@Path("/")
public final class IndexPage {

    @GET
    @Produces(MediaType.TEXT_HTML + ";charset=UTF-8")
    public String page() {
        return StaticFiles.text("index.html");
    }
}
