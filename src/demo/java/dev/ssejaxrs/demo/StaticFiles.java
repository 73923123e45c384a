package dev.ssejaxrs.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The demo's pages, read once from the class path beside this class. */
final class StaticFiles {
    private static final Map<String, String> TEXTS = new ConcurrentHashMap<>();

    private StaticFiles() {
    }

    /** The UTF-8 text of {@code name}, a file in {@code src/demo/resources/dev/ssejaxrs/demo}. */
    static String text(String name) {
        return TEXTS.computeIfAbsent(name, n -> {
            try (InputStream in = StaticFiles.class.getResourceAsStream(n)) {
                if (in == null) {
                    throw new IllegalStateException("missing demo file " + n);
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
