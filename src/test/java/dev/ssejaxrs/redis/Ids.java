package dev.ssejaxrs.redis;

import dev.ssejaxrs.broadcast.EventId;

/** Orders id strings in tests, through the one id class. */
final class Ids {
    private Ids() {
    }

    static int compare(String a, String b) {
        return EventId.parse(a).compareTo(EventId.parse(b));
    }
}
