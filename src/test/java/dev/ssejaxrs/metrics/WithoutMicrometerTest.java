package dev.ssejaxrs.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import dev.ssejaxrs.test.ClassPathWithout;
import dev.ssejaxrs.test.EverydayApplication;

/**
 * Without Micrometer, an application streams and broadcasts without a warning: only {@code dev.ssejaxrs.metrics},
 * whose entry points take Micrometer's {@code MeterRegistry} (so an application without Micrometer cannot call
 * them), refers to it.
 */
class WithoutMicrometerTest {
    @Test
    void withoutMicrometer_anApplicationStreamsAndBroadcasts_withoutAWarning() throws Throwable {
        ClassPathWithout withoutMicrometer = ClassPathWithout.dependency("io.micrometer.",
                "io.micrometer.core.instrument.MeterRegistry");
        assertEquals(EverydayApplication.expected(), withoutMicrometer.run(EverydayApplication.class, "run"));
    }
}
