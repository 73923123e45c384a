package dev.ssejaxrs.readme;

// README: begin NumbersJerseyTest
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import jakarta.ws.rs.core.Application;

import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.test.JerseyTest;
import org.glassfish.jersey.test.TestProperties;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.testing.EventStreamClient;
import dev.ssejaxrs.testing.OpenEventStream;

class NumbersJerseyTest extends JerseyTest {   // JUnit 5; jersey-test-framework-provider-grizzly2

    @Override
    protected Application configure() {
        forceSet(TestProperties.CONTAINER_PORT, "0");   // a free port
        return new ResourceConfig(NumbersResource.class);
    }

    @Test
    void firstNumberArrivesBeforeTheStreamEnds() {
        try (OpenEventStream stream = EventStreamClient.open(target("numbers"))) {
            assertEquals("1", stream.next(Duration.ofSeconds(5)).data());
        }
    }
}
// README: end NumbersJerseyTest
