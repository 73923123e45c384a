package dev.ssejaxrs.internal.core;

import java.util.Objects;
import java.util.function.Function;

import dev.ssejaxrs.stream.EventStream;

/**
 * How the adapters read the source of an {@link EventStream}, which its public API does not show (the JDK's
 * "shared secrets" pattern). {@code EventStream} installs the reader when its class initialises, so it is in place
 * before any instance exists; it is the same function for every application and never changes after that.
 */
public final class EventStreams {
    private static volatile Function<EventStream, StreamSource> sources;

    private EventStreams() {
    }

    /** Called once, by {@code EventStream}'s class initialiser. */
    public static void install(Function<EventStream, StreamSource> reader) {
        Objects.requireNonNull(reader, "reader");
        if (sources != null) {
            throw new IllegalStateException("the EventStream source reader is installed already");
        }
        sources = reader;
    }

    /** The source of {@code stream}. */
    public static StreamSource source(EventStream stream) {
        return sources.apply(Objects.requireNonNull(stream, "stream"));
    }
}
