package dev.ssejaxrs.internal.core;

import java.util.concurrent.Executor;
import java.util.concurrent.Flow;

/** Where an event stream's items come from; iterator sources need the application's blocking executor. */
@FunctionalInterface
public interface StreamSource {
    /** The publisher of the items; iterator sources read on {@code blockingExecutor}. */
    Flow.Publisher<?> publisher(Executor blockingExecutor);

    /** Releases the source of a stream that never opened: a {@code java.util.stream.Stream} is closed. */
    default void discard() {
    }
}
