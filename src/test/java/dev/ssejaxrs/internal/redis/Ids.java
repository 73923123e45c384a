package dev.ssejaxrs.internal.redis;

import dev.ssejaxrs.internal.store.EventId;

/** Orders id strings in tests, through the one id class. */
public final class Ids {
    private Ids() {
    }

    static int compare(String a, String b) {
        return EventId.parse(a).compareTo(EventId.parse(b));
    }
}
