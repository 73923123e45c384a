package dev.ssejaxrs.event;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbException;

/** Turns a value into the compact JSON text of an event's data, through JSON-B. */
final class JsonData {
    private JsonData() {
    }

    static String toJson(Object value) {
        return toJson(value, DefaultJsonb.INSTANCE);
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

    /** Created on first use only, so that applications without JSON data need no JSON-B implementation. */
    private static final class DefaultJsonb {
        static final Jsonb INSTANCE = create();

        private static Jsonb create() {
            try {
                return JsonbBuilder.create();
            } catch (RuntimeException e) {
                throw new IllegalStateException("JSON data needs a JSON-B implementation on the class path,"
                        + " for example org.eclipse:yasson: " + e.getMessage(), e);
            }
        }
    }
}
