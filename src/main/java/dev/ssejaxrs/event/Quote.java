package dev.ssejaxrs.event;

/** Renders a value for an error message, with control characters made visible. */
final class Quote {
    private Quote() {
    }

    static String of(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length() && i < 200; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\r' -> sb.append("\\r");
                case '\n' -> sb.append("\\n");
                case '\0' -> sb.append("\\0");
                case '"' -> sb.append("\\\"");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        if (value.length() > 200) {
            sb.append("...");
        }
        return sb.append('"').toString();
    }
}
