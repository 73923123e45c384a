package dev.ssejaxrs.testing;

/** Renders a value for an assertion message: quoted, control characters escaped, long values shortened. */
final class Visible {
    private static final int MAX_CHARS = 200;

    private Visible() {
    }

    static String of(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(Math.min(value.length(), MAX_CHARS) + 2).append('"');
        int n = Math.min(value.length(), MAX_CHARS);
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\r' -> sb.append("\\r");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
        if (value.length() > MAX_CHARS) {
            sb.append("... (").append(value.length()).append(" chars)");
        }
        return sb.toString();
    }
}
