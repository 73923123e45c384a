package dev.ssejaxrs.broadcast;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.ssejaxrs.testing.ReceivedEvent;

/** The checker that the fault tests rely on fails on what it must catch, and passes what it must allow. */
class DeliveryCheckerTest {
    private static ReceivedEvent event(String id) {
        return new ReceivedEvent("message", "data of " + id, id, null);
    }

    private static ReceivedEvent loss(String lastId) {
        return new ReceivedEvent("replay-incomplete", "", lastId, null);
    }

    private static DeliveryChecker acknowledged(String... ids) {
        DeliveryChecker checker = DeliveryChecker.byId();
        for (String id : ids) {
            checker.acknowledged(id);
        }
        return checker;
    }

    @Test
    void aSilentGapAndADuplicate_fail_withTheAccounting() {
        DeliveryChecker checker = DeliveryChecker.byId();
        DeliveryChecker.Subscriber client = checker.startsNow("client");
        List.of("1", "2", "3", "4", "5").forEach(checker::acknowledged);
        client.received(List.of(event("1"), event("3"), event("3"), event("4"), event("5")));

        AssertionError failure = assertThrows(AssertionError.class, checker::verify);
        String message = failure.getMessage();
        assertTrue(message.contains("delivery broken for client"), message);
        assertTrue(message.contains("acknowledged 5, delivered 4, missing 1 [2], duplicated 1 [3]"), message);
        assertTrue(message.contains("signalled 0"), message);
    }

    @Test
    void eventsThatNeverArrived_areMissing_andTheSubscriberIsNotCaughtUp() {
        DeliveryChecker checker = acknowledged("1", "2");
        DeliveryChecker.Subscriber client = checker.startsFromTheBeginning("client");
        client.received(event("1"));
        assertFalse(client.caughtUp());
        AssertionError failure = assertThrows(AssertionError.class, checker::verify);
        assertTrue(failure.getMessage().contains("missing 1 [2]"), failure.getMessage());
    }

    @Test
    void eventsOutOfOrder_fail() {
        DeliveryChecker checker = acknowledged("1", "2", "3");
        checker.startsFromTheBeginning("client").received(List.of(event("1"), event("3"), event("2")));
        AssertionError failure = assertThrows(AssertionError.class, checker::verify);
        assertTrue(failure.getMessage().contains("out of order 1 [2]"), failure.getMessage());
    }

    @Test
    void aLossEvent_coversTheEventsMissingBetweenItsNeighbours_only() {
        DeliveryChecker checker = acknowledged("1", "2", "3", "4", "5", "6");
        DeliveryChecker.Subscriber covered = checker.startsFromTheBeginning("covered");
        covered.received(List.of(loss(""), event("3"), event("4"), event("5"), event("6")));
        DeliveryChecker.Subscriber tooEarly = checker.startsFromTheBeginning("too-early");
        tooEarly.received(List.of(loss(""), event("3"), event("5"), event("6")));

        AssertionError failure = assertThrows(AssertionError.class, checker::verify);
        String message = failure.getMessage();
        assertTrue(message.contains("delivery broken for too-early ("), message); // not for "covered"
        assertTrue(message.contains("covered: acknowledged 6, delivered 4, missing 0, duplicated 0, out of order 0, "
                + "signalled 2 by 1 loss event(s)"), message);
        assertTrue(message.contains("too-early: acknowledged 6, delivered 3, missing 1 [4]"), message);
    }

    @Test
    void aCompleteSequence_passes_andWhatCameBeforeTheStartOrWasNeverAcknowledgedIsNotJudged() {
        DeliveryChecker checker = acknowledged("1", "2");
        DeliveryChecker.Subscriber resumed = checker.resumesAfter("resumed", "1");
        DeliveryChecker.Subscriber late = checker.startsNow("late");
        checker.acknowledged("3");
        resumed.received(List.of(ReceivedEvent.message("greeting"), event("2"), event("3")));
        late.received(List.of(event("2"), event("3")));
        assertTrue(checker.caughtUp());
        assertDoesNotThrow(checker::verify);
    }

    @Test
    void aSubscriberOfSomeAddresses_isOwedTheirEventsOnly() {
        DeliveryChecker checker = DeliveryChecker.byId();
        checker.acknowledged(Address.topic("a"), "1");
        DeliveryChecker.Subscriber ofA = checker.on("of-a", Set.of(Address.topic("a")));
        DeliveryChecker.Subscriber ofB = checker.fromTheBeginningOn("of-b", Set.of(Address.topic("b")));
        checker.acknowledged(Address.topic("b"), "2");
        checker.acknowledged(Address.topic("a"), "3");
        checker.acknowledged(Address.topic("b"), "4");
        ofA.received(event("3"));
        ofB.received(event("4"));

        AssertionError failure = assertThrows(AssertionError.class, checker::verify);
        String message = failure.getMessage();
        assertTrue(message.contains("delivery broken for of-b ("), message);
        assertTrue(message.contains("of-a: acknowledged 1, delivered 1, missing 0"), message);
        assertTrue(message.contains("of-b: acknowledged 2, delivered 1, missing 1 [2]"), message);
    }

    @Test
    void aCheckWithoutSubscribers_fails() {
        AssertionError failure = assertThrows(AssertionError.class, acknowledged("1")::verify);
        assertTrue(failure.getMessage().contains("no subscriber"), failure.getMessage());
    }
}
