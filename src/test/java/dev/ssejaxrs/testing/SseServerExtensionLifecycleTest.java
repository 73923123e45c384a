package dev.ssejaxrs.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;

import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;

import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** Starting and stopping the extension's server directly, to see what happens after a test class. */
class SseServerExtensionLifecycleTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void stop_withStreamsStillOpen_returnsPromptlyAndFreesThePort() throws InterruptedException {
        TestStreams streams = new TestStreams();
        SseServerExtension.Running running = SseServerExtension.of(streams::application).start("lifecycle");
        URI base = running.baseUri();
        Client client = ClientBuilder.newClient();
        try {
            OpenEventStream tracked = EventStreamClient.open(client.target(base).path("hand-over"));
            running.streams().add(tracked);
            streams.nextOpened().send("a");
            OpenEventStream untracked = EventStreamClient.open(client.target(base).path("hand-over"));
            streams.nextOpened().send("b");
            assertEquals("a", tracked.next(WAIT).data());
            assertEquals("b", untracked.next(WAIT).data());

            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> SseServerExtension.stop(running));

            AssertionError trackedError = assertThrows(AssertionError.class, () -> tracked.next(WAIT));
            assertTrue(trackedError.getMessage().contains("closed by this client"), trackedError.getMessage());
            AssertionError untrackedError = assertThrows(AssertionError.class, () -> untracked.next(WAIT));
            assertFalse(untrackedError.getMessage().contains("still open"), untrackedError.getMessage());
            untracked.close();
            assertThrows(UncheckedIOException.class,
                    () -> EventStreamClient.open(client.target(base).path("hand-over")),
                    "nothing listens on " + base + " any more");
        } finally {
            client.close();
        }
    }

    @Test
    void anExtensionOnAnInstanceField_failsWithAMessageSayingStatic() {
        SseServerExtension notStarted = SseServerExtension.of(ResourceConfig::new);

        ExtensionConfigurationException error = assertThrows(ExtensionConfigurationException.class,
                () -> notStarted.beforeEach(null));

        assertTrue(error.getMessage().contains("must be registered on a static field"), error.getMessage());
        assertThrows(IllegalStateException.class, notStarted::baseUri);
    }
}
