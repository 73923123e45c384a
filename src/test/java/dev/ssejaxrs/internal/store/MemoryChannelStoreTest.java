package dev.ssejaxrs.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.Caller;
import dev.ssejaxrs.broadcast.Collected;
import dev.ssejaxrs.broadcast.RegistryOptions;
import dev.ssejaxrs.event.SseEvent;

/** The store contract, for the in-memory store, and what only the memory store does. */
class MemoryChannelStoreTest extends ChannelStoreContract {
    private static final Address T = Address.topic("t");

    @Override
    protected ChannelStore newStore(RegistryOptions.Builder options) {
        return new MemoryChannelStore(options.build());
    }

    /** Joins a subscription that opened at {@code openedAt}, without Last-Event-ID, as the registry does. */
    private static Collected joinOpenedAt(ChannelStore store, EventId openedAt, Address address) {
        ConnectionQueue queue = new ConnectionQueue(store, List.of(address), Caller.anonymous(), null, openedAt, null,
                RegistryOptions.builder().build());
        Collected collected = Collected.from(queue);
        queue.started().toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join();
        return collected;
    }

    @Test
    void anEventPublishedBetweenOpeningAndJoining_isReplayedByTheJoin_once_andNothingOlder() {
        ChannelStore store = store(RegistryOptions.builder());
        append(store, T, "before the subscription opened");
        EventId openedAt = store.openPosition();
        append(store, T, "after the head, before the join");
        Collected collected = joinOpenedAt(store, openedAt, T);
        append(store, T, "live");
        assertEquals(List.of("after the head, before the join", "live"), data(collected.await(2)));
    }

    @Test
    void anEventBetweenOpeningAndJoiningThatLeftTheHistory_isSignalled_andNothingFromBeforeTheOpeningIsSent() {
        ChannelStore store = store(RegistryOptions.builder().history(2, Duration.ofHours(1)));
        append(store, T, "before the subscription opened");
        EventId openedAt = store.openPosition();
        append(store, T, "pushed out");
        append(store, T, "kept 1");
        append(store, T, "kept 2");
        Collected collected = joinOpenedAt(store, openedAt, T);
        List<SseEvent> events = collected.await(3);
        assertEquals(ChannelStore.REPLAY_INCOMPLETE, events.get(0).event(), events.toString());
        assertEquals(List.of("kept 1", "kept 2"), data(events.subList(1, events.size())));
    }

    @Test
    void anEventBetweenOpeningAndJoiningThatIsNoLongerRetained_makesTheJoinStartWithReplayIncomplete() {
        ChannelStore store = store(RegistryOptions.builder().history(0, Duration.ofHours(1)));
        EventId openedAt = store.openPosition();
        append(store, T, "kept by nothing");
        Collected collected = joinOpenedAt(store, openedAt, T);
        append(store, T, "live");
        List<SseEvent> events = collected.await(2);
        assertEquals(ChannelStore.REPLAY_INCOMPLETE, events.get(0).event(), events.toString());
        assertEquals(openedAt.toString(), events.get(0).data());
        assertEquals("live", events.get(1).data());
    }

    private static List<String> data(List<SseEvent> events) {
        return events.stream().map(SseEvent::data).toList();
    }
}
