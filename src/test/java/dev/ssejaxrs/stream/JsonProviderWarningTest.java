package dev.ssejaxrs.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import jakarta.ws.rs.ext.Providers;

import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.internal.core.StreamEngine;
import dev.ssejaxrs.internal.jersey.ApplicationJson;
import dev.ssejaxrs.test.LoggedWarnings;
import dev.ssejaxrs.test.TestServer;

/**
 * At startup, one warning that names the fix when nothing could write objects sent as data as JSON; none when the
 * application has a JSON writer (Jackson here) or a JSON-B implementation is present.
 */
class JsonProviderWarningTest {

    private static List<String> warnings(Runnable action) {
        return LoggedWarnings.during(ApplicationJson.class.getName(), action);
    }

    /** The warnings of a check of {@code app}'s providers, while it runs. */
    private static List<String> check(ResourceConfig app, boolean jsonbPresent) {
        try (TestServer server = TestServer.start(app)) {
            Providers providers = server.injected(Providers.class);
            return warnings(() -> new ApplicationJson(new StreamEngine(), () -> jsonbPresent).started(providers));
        }
    }

    private static ResourceConfig withoutJackson() {
        return new ResourceConfig(EventStreamFeature.class).property(ServerProperties.FEATURE_AUTO_DISCOVERY_DISABLE, true);
    }

    @Test
    void noJsonWriterAndNoJsonb_warnsOnce_namingTheFix() {
        List<String> logged = check(withoutJackson(), false);
        assertEquals(1, logged.size(), logged.toString());
        assertTrue(logged.get(0).contains("jersey-media-json-jackson") && logged.get(0).contains("yasson"),
                logged.get(0));
    }

    @Test
    void jsonWriterOfTheApplication_orAJsonbImplementation_warnNothing() {
        assertEquals(List.of(), check(new ResourceConfig(), false)); // Jackson comes in through auto-discovery
        assertEquals(List.of(), check(withoutJackson(), true));
        assertTrue(ApplicationJson.jsonbImplementationPresent(), "Yasson is on the test class path");
    }
}
