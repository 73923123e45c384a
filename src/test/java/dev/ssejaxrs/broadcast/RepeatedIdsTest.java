package dev.ssejaxrs.broadcast;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.testing.EventStreamClient;
import dev.ssejaxrs.testing.OpenEventStream;
import dev.ssejaxrs.testing.ReceivedEvent;

/**
 * An application may publish the same id twice: resuming from it never skips an event. It resumes from the
 * id's earliest retained occurrence (the client may get events again; it never misses one).
 */
class RepeatedIdsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final BroadcastApp.Running app = new BroadcastApp.Running(RegistryOptions.builder()
            .accessPolicy(AccessPolicy.anyone()).history(4, Duration.ofHours(1)).build());
    private final DeliveryChecker checker = DeliveryChecker.byData();

    @AfterEach
    void stop() {
        app.close();
    }

    private void publish(String topic, String id, String data) {
        SseEvent.Builder event = SseEvent.builder().data(data);
        if (id != null) {
            event.id(id);
        }
        app.registry.publish(topic, event.build()).toCompletableFuture().join();
        checker.acknowledged(data);
    }

    /** What a client resuming from {@code lastEventId} receives, up to the event whose data is {@code last}. */
    private static List<ReceivedEvent> resume(OpenEventStream stream, String last) {
        List<ReceivedEvent> received = new ArrayList<>();
        do {
            received.add(stream.next(WAIT));
        } while (!received.get(received.size() - 1).data().equals(last));
        return received;
    }

    private List<ReceivedEvent> resume(String path, String lastEventId, String last) {
        try (OpenEventStream stream = EventStreamClient.open(app.target(path), lastEventId)) {
            return resume(stream, last);
        }
    }

    @Test
    void resumingFromAnIdPublishedTwice_startsAfterItsFirstOccurrence_skippingNothing() {
        publish("t", "1", "first 1");
        publish("t", null, "between");
        publish("t", "1", "second 1");
        publish("t", null, "last");
        // the client saw "first 1" and went away: it must get everything after it
        DeliveryChecker.Subscriber client = checker.resumesAfter("client", "first 1");
        client.received(resume("topics/t", "1", "last"));
        checker.verify();
    }

    @Test
    void whenTheFirstOccurrenceLeftTheHistory_aResumeFromTheIdIsIncomplete_notTakenForTheNextOne() {
        publish("u", "7", "first 7");
        publish("u", null, "between");
        publish("u", "7", "second 7");
        publish("u", null, "after");
        publish("u", null, "last"); // history of 4: "first 7" is gone, "second 7" is retained
        DeliveryChecker.Subscriber client = checker.resumesAfter("client", "first 7");
        List<ReceivedEvent> received = resume("topics/u", "7", "last");
        assertEquals("replay-incomplete", received.get(0).type(), received.toString());
        client.received(received);
        checker.verify();
    }

    @Test
    void anIdRepeatedOnTwoAddresses_resumesBothFromItsEarliestOccurrence() {
        publish("x", "9", "9 on x");
        publish("y", null, "y between");
        publish("y", "9", "9 on y");
        publish("x", null, "x after");
        DeliveryChecker.Subscriber client = checker.resumesAfter("client", "9 on x");
        client.received(resume("events?topic=x&topic=y", "9", "x after"));
        checker.verify();
    }
}
