package dev.ssejaxrs.demo;

/** Query parameter parsing for the demo: an empty parameter counts as absent; errors name the parameter. */
final class QueryParams {
    private QueryParams() {
    }

    static boolean present(String value) {
        return value != null && !value.isEmpty();
    }

    static long integer(String name, String value, long absent) {
        if (!present(value)) {
            return absent;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw JsonErrors.badRequest(name + " must be an integer: " + quote(value));
        }
    }

    static String quote(String value) {
        return "\"" + value.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0") + "\"";
    }
}
