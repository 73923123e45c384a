package dev.ssejaxrs.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.test.LoggedWarnings;
import dev.ssejaxrs.test.TestServer;

/**
 * An application set up as the README shows starts without a warning: Jersey's "WADL feature is disabled" (no JAXB
 * implementation here) is not printed, and an application's own WADL setting is kept.
 */
class StartupWarningsTest {

    /** The README's first resource. */
    @Path("/")
    public static class NumbersResource {
        @GET
        @Path("numbers")
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public EventStream numbers() {
            return EventStream.of(IntStream.rangeClosed(1, 3).mapToObj(Integer::toString));
        }
    }

    private static List<String> warningsWhileStarting(ResourceConfig app) {
        try (LoggedWarnings warnings = LoggedWarnings.anywhere()) {
            try (TestServer server = TestServer.start(app)) {
                assertEquals("data: 1\r\n\r\ndata: 2\r\n\r\ndata: 3\r\n\r\n",
                        server.get("/numbers").readToEnd(Duration.ofSeconds(10)));
            }
            return warnings.snapshot();
        }
    }

    @Test
    void applicationAsTheReadmeShows_startsWithoutWarnings() {
        assertEquals(List.of(), warningsWhileStarting(new ResourceConfig(NumbersResource.class)));
    }

    @Test
    void applicationThatEnablesWadlItself_keepsItsChoice_andJerseySaysWhyItIsOff() {
        List<String> warnings = warningsWhileStarting(new ResourceConfig(NumbersResource.class)
                .property(ServerProperties.WADL_FEATURE_DISABLE, false));
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("WADL"), warnings.toString());
    }
}
