package dev.ssejaxrs.testing;

/** Renders text for failure messages with line breaks and control characters visible. */
final class Show {
    private Show() {
    }

    static String text(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < value.length() && i < 300; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\r' -> sb.append("\\r");
                case '\n' -> sb.append("\\n");
                case '\0' -> sb.append("\\0");
                default -> sb.append(c);
            }
        }
        return sb.append(value.length() > 300 ? "...\"" : "\"").toString();
    }
}
