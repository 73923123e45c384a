package dev.ssejaxrs.demo;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

import jakarta.annotation.Priority;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

/**
 * What keeps other web sites out of the demo, which listens on the loopback interface of a developer's machine:
 * <ul>
 * <li><b>DNS rebinding.</b> A page of {@code evil.example} whose name is made to resolve to 127.0.0.1 would reach
 *     the demo as same-origin; its requests carry {@code Host: evil.example}. Every request whose host is not a
 *     loopback name ({@code 127.0.0.1}, {@code localhost}, {@code [::1]}) is answered {@code 421} with a JSON
 *     reason.</li>
 * <li><b>Cross-site requests.</b> A state-changing request ({@code POST}, {@code PUT}, {@code PATCH},
 *     {@code DELETE}) with an {@code Origin} other than the demo's own gets {@code 403}; one without {@code Origin}
 *     comes from a non-browser client such as curl (browsers send it on every such request) and passes.</li>
 * <li><b>Content types.</b> Its body must be JSON or a form ({@code application/json}, {@code +json},
 *     {@code application/x-www-form-urlencoded}, {@code multipart/form-data}) when it names a type: {@code text/plain}
 *     and the rest get {@code 415}. (A {@code <form enctype="text/plain">} was the way in for a cross-site post.)</li>
 * <li><b>Pages</b> are sent with a {@code Content-Security-Policy} that allows scripts and connections to the demo
 *     only (no inline script, no {@code eval}), and every response with {@code X-Content-Type-Options: nosniff}.</li>
 * </ul>
 * Runs before anything else (pre-matching, priority {@link Priorities#AUTHENTICATION} minus 100). Stateless.
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100)
final class BrowserGuard implements ContainerRequestFilter, ContainerResponseFilter {
    /** The pages' policy: the demo's own scripts and styles (inline styles allowed), connections to itself only. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; "
            + "style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; "
            + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]", "::1");
    private static final Set<String> STATE_CHANGING = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
            HttpMethod.DELETE);

    @Override
    public void filter(ContainerRequestContext request) {
        URI uri = request.getUriInfo().getRequestUri();
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (!LOOPBACK.contains(host)) {
            throw refused(421, "Host must name the loopback interface (127.0.0.1, localhost or [::1]), not "
                    + quoted(request.getHeaderString(HttpHeaders.HOST))
                    + ": the demo refuses other names (DNS rebinding)");
        }
        if (!STATE_CHANGING.contains(request.getMethod())) {
            return;
        }
        String origin = request.getHeaderString("Origin");
        if (origin != null && !sameOrigin(origin, uri)) {
            throw refused(403, "Origin " + quoted(origin) + " may not " + request.getMethod() + " here: only "
                    + ownOrigin(uri) + " may (cross-site requests are refused)");
        }
        MediaType type = request.getMediaType();
        if (type != null && !jsonOrForm(type)) {
            throw refused(415, "Content-Type must be application/json or application/x-www-form-urlencoded"
                    + " (or multipart/form-data), not " + quoted(type.getType() + "/" + type.getSubtype()));
        }
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        response.getHeaders().putSingle("X-Content-Type-Options", "nosniff");
        MediaType type = response.getMediaType();
        if (type != null && type.isCompatible(MediaType.TEXT_HTML_TYPE)) {
            response.getHeaders().putSingle("Content-Security-Policy", CONTENT_SECURITY_POLICY);
            response.getHeaders().putSingle("Referrer-Policy", "no-referrer");
        }
    }

    private static boolean sameOrigin(String origin, URI request) {
        try {
            URI o = new URI(origin);
            return o.getScheme() != null && o.getHost() != null
                    && o.getScheme().equalsIgnoreCase(request.getScheme())
                    && o.getHost().equalsIgnoreCase(request.getHost())
                    && port(o) == port(request)
                    && (o.getRawPath() == null || o.getRawPath().isEmpty());
        } catch (URISyntaxException e) {
            return false; // "null" (a sandboxed frame, a file: page) and garbage are never the demo
        }
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static String ownOrigin(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    private static boolean jsonOrForm(MediaType type) {
        String t = type.getType().toLowerCase(Locale.ROOT);
        String sub = type.getSubtype().toLowerCase(Locale.ROOT);
        return t.equals("application") && (sub.equals("json") || sub.endsWith("+json")
                || sub.equals("x-www-form-urlencoded")) || t.equals("multipart") && sub.equals("form-data");
    }

    private static WebApplicationException refused(int status, String reason) {
        return new WebApplicationException(reason, Response.status(status).build());
    }

    private static String quoted(String value) {
        return value == null ? "(none)" : QueryParams.quote(value);
    }
}
