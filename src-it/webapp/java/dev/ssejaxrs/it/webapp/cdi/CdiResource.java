package dev.ssejaxrs.it.webapp.cdi;

import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;

import javax.naming.InitialContext;
import javax.naming.NamingException;

import jakarta.enterprise.inject.spi.CDI;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.stream.EventStream;
import dev.ssejaxrs.stream.StreamOptions;

/** Streams of the {@code /cdi} application. */
@Path("/")
public class CdiResource {
    @Context
    EventRegistry registry;

    /** What {@link TickService} publishes from its timer. */
    @GET
    @Path("ticks")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public EventStream ticks() {
        return registry.subscribe(Address.topic("ticks")).open();
    }

    /**
     * Three events from an iterator read on the library's threads, each saying whether CDI and JNDI worked there;
     * the close callback checks the same and leaves its finding in {@link TickService}.
     */
    @GET
    @Path("context")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public EventStream context() {
        Iterator<String> checks = new Iterator<>() {
            private int left = 3;

            @Override
            public boolean hasNext() {
                return left > 0;
            }

            @Override
            public String next() {
                if (left-- <= 0) {
                    throw new NoSuchElementException();
                }
                return "iterator: " + contextCheck();
            }
        };
        return EventStream.of(checks, StreamOptions.builder().pingInterval(Duration.ZERO)
                .onClose(reason -> tickService().closeCheck("onClose " + reason + ": " + contextCheck())).build());
    }

    @GET
    @Path("close-check")
    @Produces(MediaType.TEXT_PLAIN)
    public String closeCheck() {
        return tickService().lastCloseCheck();
    }

    private static TickService tickService() {
        return CDI.current().select(TickService.class).get();
    }

    /** {@code cdi=tick-service jndi=ok thread=server}, or what failed, and whose thread this is. */
    static String contextCheck() {
        String cdi;
        try {
            cdi = tickService().serviceName();
        } catch (RuntimeException e) {
            cdi = "failed (" + e.getClass().getSimpleName() + ")";
        }
        String jndi;
        try {
            jndi = new InitialContext().lookup("java:comp/DefaultManagedExecutorService") != null ? "ok" : "null";
        } catch (NamingException | RuntimeException e) {
            jndi = "failed (" + e.getClass().getSimpleName() + ")";
        }
        // the library names its own threads sse-jaxrs-...; a server's managed threads have the server's names
        String thread = Thread.currentThread().getName().startsWith("sse-jaxrs-") ? "library" : "server";
        return "cdi=" + cdi + " jndi=" + jndi + " thread=" + thread;
    }
}
