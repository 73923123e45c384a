package dev.ssejaxrs.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.Set;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET /webjars/{name}/{file}}: the scripts and styles of htmx, its SSE extension and uPlot, from their webjars
 * on the demo's class path (no CDN), whatever their version. Only those three libraries are served.
 */
@Path("webjars/{name}/{file: .+}")
public final class WebJarResource {
    private static final Set<String> SERVED = Set.of("htmx.org", "htmx-ext-sse", "uplot");

    @GET
    public Response file(@PathParam("name") String name, @PathParam("file") String file) {
        if (!SERVED.contains(name) || file.contains("..") || file.startsWith("/")) {
            throw notFound(name, file);
        }
        String base = "META-INF/resources/webjars/" + name + "/" + version(name) + "/";
        byte[] bytes;
        try (InputStream in = WebJarResource.class.getClassLoader().getResourceAsStream(base + file)) {
            if (in == null) {
                throw notFound(name, file);
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Response.ok(bytes, type(file)).header("Cache-Control", "max-age=3600").build();
    }

    private static String version(String name) {
        Properties pom = new Properties();
        try (InputStream in = WebJarResource.class.getClassLoader()
                .getResourceAsStream("META-INF/maven/org.webjars.npm/" + name + "/pom.properties")) {
            if (in == null) {
                throw notFound(name, "");
            }
            pom.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pom.getProperty("version");
    }

    private static String type(String file) {
        if (file.endsWith(".js")) {
            return "text/javascript;charset=UTF-8";
        }
        if (file.endsWith(".css")) {
            return "text/css;charset=UTF-8";
        }
        return "application/octet-stream";
    }

    private static WebApplicationException notFound(String name, String file) {
        return new WebApplicationException("no such file: " + name + "/" + file,
                Response.status(Response.Status.NOT_FOUND).build());
    }
}
