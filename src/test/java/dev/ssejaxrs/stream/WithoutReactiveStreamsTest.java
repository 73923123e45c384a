package dev.ssejaxrs.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import dev.ssejaxrs.test.ClassPathWithout;
import dev.ssejaxrs.test.EverydayApplication;

/**
 * Without {@code org.reactivestreams}, {@link EventStream} loads and streams: only {@code EventStream.ofReactive},
 * which takes a Reactive Streams {@code Publisher} (so an application without the jar cannot call it), refers to it.
 */
class WithoutReactiveStreamsTest {
    @Test
    void withoutReactiveStreams_anApplicationStreamsAndBroadcasts_withoutAWarning() throws Throwable {
        ClassPathWithout withoutReactiveStreams = ClassPathWithout.dependency("org.reactivestreams.",
                "org.reactivestreams.Publisher");
        assertEquals(EverydayApplication.expected(), withoutReactiveStreams.run(EverydayApplication.class, "run"));
    }
}
