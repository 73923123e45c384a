package dev.ssejaxrs.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /?topic=demo}: a page that shows a topic's live events through the browser's EventSource. */
@Path("/")
public final class IndexPage {
    private final String html;

    IndexPage() {
        try (InputStream in = IndexPage.class.getResourceAsStream("index.html")) {
            html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @GET
    @Produces(MediaType.TEXT_HTML + ";charset=UTF-8")
    public String page() {
        return html;
    }
}
