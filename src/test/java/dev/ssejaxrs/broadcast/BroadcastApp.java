package dev.ssejaxrs.broadcast;

import java.security.Principal;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.WebTarget;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

import org.glassfish.jersey.server.ResourceConfig;

import dev.ssejaxrs.stream.EventStream;
import dev.ssejaxrs.test.TestServer;

/** A small application for the broadcast tests: subscribe endpoints, and a user taken from {@code X-User}. */
final class BroadcastApp {
    private BroadcastApp() {
    }

    static TestServer serve(EventRegistry registry) {
        return serve(registry, 0);
    }

    /** A registry, a server serving it, and a client: what every broadcast test starts with. */
    static final class Running implements AutoCloseable {
        final EventRegistry registry;
        final TestServer server;
        private final Client client = ClientBuilder.newClient();

        Running(RegistryOptions options) {
            registry = new EventRegistry(options);
            server = serve(registry);
        }

        WebTarget target(String path) {
            return client.target("http://127.0.0.1:" + server.port + "/" + path);
        }

        @Override
        public void close() {
            client.close();
            server.close();
            registry.close();
        }
    }

    static TestServer serve(EventRegistry registry, int sendBuffer) {
        return TestServer.start(new ResourceConfig(Subscriptions.class, UserFromHeader.class)
                .register(new BroadcastFeature(registry)), sendBuffer);
    }

    @Path("/")
    public static final class Subscriptions {
        @Context
        private EventRegistry registry;

        @GET
        @Path("topics/{topic}")
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public EventStream topic(@PathParam("topic") String topic, @HeaderParam("Last-Event-ID") String header,
                @QueryParam("lastEventId") String query, @Context SecurityContext caller) {
            return registry.subscribe(Address.topic(topic)).lastEventId(header, query).caller(caller).open();
        }

        /** Several topics, and optionally the caller's recipient queue, on one stream. */
        @GET
        @Path("events")
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public EventStream events(@QueryParam("topic") java.util.List<String> topics,
                @QueryParam("recipient") String recipient, @HeaderParam("Last-Event-ID") String header,
                @QueryParam("lastEventId") String query, @Context SecurityContext caller) {
            java.util.List<Address> addresses = new java.util.ArrayList<>();
            topics.forEach(t -> addresses.add(Address.topic(t)));
            if (recipient != null) {
                addresses.add(Address.recipient(recipient));
            }
            return registry.subscribe(addresses).lastEventId(header, query).caller(caller).open();
        }

        @GET
        @Path("recipients/{recipient}")
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public EventStream recipient(@PathParam("recipient") String recipient,
                @HeaderParam("Last-Event-ID") String header, @Context SecurityContext caller) {
            return registry.subscribe(Address.recipient(recipient)).lastEventId(header).caller(caller).open();
        }
    }

    /** Authenticates the request as the user named in {@code X-User} (a stand-in for real authentication). */
    public static final class UserFromHeader implements ContainerRequestFilter {
        @Override
        public void filter(ContainerRequestContext request) {
            String user = request.getHeaderString("X-User");
            if (user == null) {
                return;
            }
            Principal principal = () -> user;
            request.setSecurityContext(new SecurityContext() {
                @Override
                public Principal getUserPrincipal() {
                    return principal;
                }

                @Override
                public boolean isUserInRole(String role) {
                    return role.equals(user.startsWith("admin") ? "admin" : "user");
                }

                @Override
                public boolean isSecure() {
                    return false;
                }

                @Override
                public String getAuthenticationScheme() {
                    return "test";
                }
            });
        }
    }
}
