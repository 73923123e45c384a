package dev.ssejaxrs.readme;

// README: begin filter
import java.security.Principal;
import java.util.Map;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.SecurityContext;

@Priority(Priorities.AUTHENTICATION)
public class BearerTokenFilter implements ContainerRequestFilter {
    private final Map<String, String> users;             // token -> user name; real applications verify a token

    public BearerTokenFilter(Map<String, String> users) {
        this.users = Map.copyOf(users);
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        String user = header != null && header.startsWith("Bearer ") ? users.get(header.substring(7)) : null;
        if (user == null) {
            return;                                       // anonymous: the access policy decides
        }
        boolean secure = request.getSecurityContext().isSecure();
        request.setSecurityContext(new SecurityContext() {
            @Override public Principal getUserPrincipal() { return () -> user; }
            @Override public boolean isUserInRole(String role) { return false; }
            @Override public boolean isSecure() { return secure; }
            @Override public String getAuthenticationScheme() { return "Bearer"; }
        });
    }
}
// README: end filter
