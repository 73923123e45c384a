package dev.ssejaxrs.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Duration;
import java.util.List;

import org.glassfish.jersey.CommonProperties;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.test.RawClient;
import dev.ssejaxrs.test.TestServer;

/** Adding the jar is enough; with auto-discovery off, registering {@link EventStreamFeature} is. */
class RegistrationTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static ResourceConfig app() {
        return new ResourceConfig().register(new Endpoints.Returning(() -> EventStream.of(List.of("a"))));
    }

    @Test
    void jarOnTheClassPath_isEnough() {
        try (TestServer server = TestServer.start(app()); RawClient client = server.get("/s")) {
            assertEquals("data: a\r\n\r\n", client.readToEnd(WAIT));
        }
    }

    @Test
    void withAutoDiscoveryDisabled_explicitRegistrationWorks() {
        ResourceConfig app = app().property(CommonProperties.FEATURE_AUTO_DISCOVERY_DISABLE, true)
                .register(EventStreamFeature.class);
        try (TestServer server = TestServer.start(app); RawClient client = server.get("/s")) {
            assertEquals("data: a\r\n\r\n", client.readToEnd(WAIT));
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> server.runtime().activeStreams() == 0);
        }
    }

    @Test
    void withAutoDiscoveryDisabled_andNoRegistration_nothingStreams() {
        ResourceConfig app = app().property(CommonProperties.FEATURE_AUTO_DISCOVERY_DISABLE, true);
        try (TestServer server = TestServer.start(app); RawClient client = server.get("/s")) {
            assertNotEquals(200, client.status());
        }
    }

    @Test
    void registeringTheFeatureTwice_registersItOnce() {
        ResourceConfig app = app().register(EventStreamFeature.class).register(new EventStreamFeature());
        try (TestServer server = TestServer.start(app); RawClient client = server.get("/s")) {
            assertEquals("data: a\r\n\r\n", client.readToEnd(WAIT));
        }
    }
}
