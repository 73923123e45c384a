package dev.ssejaxrs.event;

import java.nio.charset.StandardCharsets;

/**
 * The line ending an event stream uses on every line it writes, including the blank line that ends an event.
 *
 * <p>The WHATWG parsing rules accept all three; {@link #CRLF} is the default, as in sse-starlette.
 * <pre>{@code
 * LineSeparator sep = LineSeparator.of("\n");   // LF
 * }</pre>
 */
public enum LineSeparator {
    /** {@code \r\n}, the default. */
    CRLF("\r\n"),
    /** {@code \n}. */
    LF("\n"),
    /** {@code \r}. */
    CR("\r");

    private final String text;
    private final byte[] bytes;

    LineSeparator(String text) {
        this.text = text;
        this.bytes = text.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The separator whose text is exactly {@code text}.
     *
     * @param text the separator's characters
     * @return the separator
     * @throws IllegalArgumentException if {@code text} is not {@code "\r\n"}, {@code "\n"} or {@code "\r"}
     */
    public static LineSeparator of(String text) {
        for (LineSeparator s : values()) {
            if (s.text.equals(text)) {
                return s;
            }
        }
        throw new IllegalArgumentException("line separator must be \\r\\n, \\n or \\r: " + Quote.of(text));
    }

    /**
     * The separator's characters, for example {@code "\r\n"}.
     *
     * @return the characters ({@code "\r\n"}, {@code "\n"} or {@code "\r"})
     */
    public String text() {
        return text;
    }

    int length() {
        return bytes.length;
    }

    byte[] bytes() {
        return bytes;
    }
}
