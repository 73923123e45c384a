package dev.ssejaxrs.internal.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import dev.ssejaxrs.test.ClassPathWithout;
import dev.ssejaxrs.test.EverydayApplication;

/**
 * Without the CDI API (a plain Grizzly or Tomcat application), the default {@code BroadcastFeature} serves its own
 * registry without a warning: it asks CDI for a registry bean only when the API is there, and the jar's CDI extension
 * is loaded only by a CDI container.
 */
class WithoutCdiTest {
    @Test
    void withoutTheCdiApi_theDefaultBroadcastFeatureServesItsOwnRegistry_withoutAWarning() throws Throwable {
        ClassPathWithout withoutCdi = ClassPathWithout.dependency("jakarta.enterprise.",
                "jakarta.enterprise.inject.spi.CDI");
        assertEquals(EverydayApplication.expected(), withoutCdi.run(EverydayApplication.class, "run"));
    }
}
