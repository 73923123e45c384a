package dev.ssejaxrs.event;

import java.util.function.Function;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbException;

/**
 * Turns a value into the compact JSON text of an event's data through JSON-B: the writer an event made by
 * {@link SseEvent#json(Object)} uses where no application's JSON provider writes it.
 */
final class JsonData {
    /** What to add when nothing can write JSON: the words every such failure of the library uses. */
    static final String WHAT_TO_ADD = "add org.eclipse:yasson or register a JSON provider such as Jackson "
            + "(org.glassfish.jersey.media:jersey-media-json-jackson)";

    /** The library's own JSON-B, one instance for every event, so that its cache of encodings can recognise it. */
    static final Function<Object, String> DEFAULT_WRITER = JsonData::toJson;

    private JsonData() {
    }

    static String toJson(Object value) {
        return value == null ? "null" : toJson(value, DefaultJsonb.get(value));
    }

    static String toJson(Object value, Jsonb jsonb) {
        if (value == null) {
            return "null";
        }
        try {
            return jsonb.toJson(value);
        } catch (JsonbException e) {
            throw new IllegalArgumentException("data cannot be written as JSON: " + value.getClass().getName()
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * Created on first use only, so that applications without JSON data need no JSON-B implementation. A missing
     * implementation is kept as a failure and reported by every call as an ordinary exception: an exception thrown
     * by a class initialiser would surface as {@code ExceptionInInitializerError} once and
     * {@code NoClassDefFoundError} ever after.
     */
    private static final class DefaultJsonb {
        private static final Object INSTANCE = create();

        static Jsonb get(Object value) {
            if (INSTANCE instanceof Jsonb jsonb) {
                return jsonb;
            }
            RuntimeException cause = (RuntimeException) INSTANCE;
            throw new IllegalStateException("cannot write event data of type "
                    + value.getClass().getName() + " as JSON: there is no JSON-B "
                    + "implementation, and no application's JSON provider wrote it (an event made by "
                    + "SseEvent.json(value) is written by the application's provider when a stream of the "
                    + "application writes it or its EventRegistry publishes it); " + WHAT_TO_ADD + " ("
                    + cause.getMessage() + ")", cause);
        }

        private static Object create() {
            try {
                return JsonbBuilder.create();
            } catch (RuntimeException e) { // JsonbException: "JSON Binding provider ... not found"
                return e;
            } catch (LinkageError e) { // a JSON-B implementation that cannot load here
                return new IllegalStateException(e.toString(), e);
            }
        }
    }
}
