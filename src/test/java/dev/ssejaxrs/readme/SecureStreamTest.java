package dev.ssejaxrs.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.ssejaxrs.testing.OpenEventStream;
import dev.ssejaxrs.testing.SseServerExtension;

/** The testing guide's authenticated stream: request headers of {@code openStream} reach the application's filter. */
class SecureStreamTest {
    // README: begin secure-stream
    @RegisterExtension
    static final SseServerExtension server = SseServerExtension.of(
            () -> SecureApplication.application(Map.of("alice-token", "alice"), 1000));   // with BearerTokenFilter

    @Test
    void aliceWithHerTokenOpensHerStream() {
        try (OpenEventStream stream = server.openStream("subscribe/alice",
                Map.of("Authorization", "Bearer alice-token"))) {
            assertEquals(200, stream.status());
            assertEquals("Connection established", stream.next(Duration.ofSeconds(5)).data());
        }
    }
    // README: end secure-stream

    @Test
    void withoutTheHeader_theFilterSeesNoUser_andTheStreamIsRefused() {
        try (OpenEventStream stream = server.openStream("subscribe/alice")) {
            assertEquals(401, stream.status(), "anonymous: authenticate first");
        }
        try (OpenEventStream stream = server.openStream("subscribe/alice",
                Map.of("Authorization", "Bearer someone-elses-token"))) {
            assertEquals(401, stream.status(), "an unknown token: still anonymous");
        }
    }
}
