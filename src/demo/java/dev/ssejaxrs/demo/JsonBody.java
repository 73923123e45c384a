package dev.ssejaxrs.demo;

import java.math.BigDecimal;
import java.util.Map;

import jakarta.json.bind.JsonbException;

/** A JSON request body of the demo: an object whose fields are read with checks that name the field (400). */
final class JsonBody {
    private final Map<?, ?> fields;

    private JsonBody(Map<?, ?> fields) {
        this.fields = fields;
    }

    /** Parses {@code body}, which must be a JSON object. */
    static JsonBody parse(String body) {
        if (body == null || body.isBlank()) {
            throw JsonErrors.badRequest("body must be a JSON object");
        }
        Object parsed;
        try {
            parsed = JsonErrors.parse(body);
        } catch (JsonbException e) {
            throw JsonErrors.badRequest("body is not valid JSON: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw JsonErrors.badRequest("body must be a JSON object");
        }
        return new JsonBody(map);
    }

    /** A string field that must be present and not blank. */
    String text(String field) {
        Object value = fields.get(field);
        if (!(value instanceof String text) || text.isBlank()) {
            throw JsonErrors.badRequest(field + " is required and must be a non-blank string");
        }
        return text;
    }

    /** An integer field from {@code min} to {@code max}; {@code absent} when missing or null. */
    long integer(String field, long min, long max, long absent) {
        Object value = fields.get(field);
        if (value == null) {
            return absent;
        }
        if (!(value instanceof BigDecimal number) || number.stripTrailingZeros().scale() > 0
                || number.compareTo(BigDecimal.valueOf(min)) < 0 || number.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw JsonErrors.badRequest(field + " must be an integer from " + min + " to " + max + ": " + value);
        }
        return number.longValueExact();
    }

    /** A number field that must be present. */
    BigDecimal number(String field) {
        Object value = fields.get(field);
        if (!(value instanceof BigDecimal number)) {
            throw JsonErrors.badRequest(field + " is required and must be a number");
        }
        return number;
    }
}
