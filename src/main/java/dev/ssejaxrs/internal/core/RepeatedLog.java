package dev.ssejaxrs.internal.core;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A log that writes a message once per cause and window, then counts: the first occurrence of a cause is logged at
 * once (with its exception), the repeats within {@link #WINDOW} are counted, and the first occurrence after the
 * window is logged with that count ("... (and 999 more like it in the last 60 s)"). While Redis is away every
 * browser reconnects every few seconds: one line a minute per cause, never one per request.
 *
 * <pre>{@code
 * private static final RepeatedLog WARNINGS = new RepeatedLog(System.getLogger(StreamPump.class.getName()));
 * WARNINGS.log(Level.WARNING, "publisher:" + e.getClass().getName(), () -> "the publisher failed", e);
 * }</pre>
 *
 * <p>Thread-safe: one small lock per cause, held only to count. At most {@link #MAX_CAUSES} causes are tracked;
 * beyond them, new causes share one entry, so a flood of distinct causes is still bounded.
 */
public final class RepeatedLog {
    /** How long repeats of one cause are counted before the next one is logged. */
    public static final Duration WINDOW = Duration.ofSeconds(60);
    /** Causes tracked at once. */
    static final int MAX_CAUSES = 256;

    private final System.Logger log;
    private final long windowNanos;
    private final LongSupplier nanoTime;
    private final Map<String, Cause> causes = new ConcurrentHashMap<>();

    public RepeatedLog(System.Logger log) {
        this(log, WINDOW, System::nanoTime);
    }

    /** With another window and clock (tests). */
    RepeatedLog(System.Logger log, Duration window, LongSupplier nanoTime) {
        this.log = log;
        this.windowNanos = window.toNanos();
        this.nanoTime = nanoTime;
    }

    /**
     * Logs {@code message} (and {@code thrown}, which may be {@code null}) unless {@code cause} was logged less than
     * a window ago; then only counts it.
     */
    public void log(Level level, String cause, Supplier<String> message, Throwable thrown) {
        if (!log.isLoggable(level)) {
            return;
        }
        String key = causes.size() < MAX_CAUSES || causes.containsKey(cause) ? cause : "(other causes)";
        long now = nanoTime.getAsLong();
        long repeats = causes.computeIfAbsent(key, k -> new Cause()).occur(now, windowNanos);
        if (repeats < 0) {
            return;
        }
        String text = repeats == 0 ? message.get() : message.get() + " (and " + repeats + " more like it in the last "
                + Duration.ofNanos(windowNanos).toSeconds() + " s)";
        if (thrown == null) {
            log.log(level, text);
        } else {
            log.log(level, text, thrown);
        }
    }

    /** One cause: when it was last logged, and how often it occurred since. */
    private static final class Cause {
        private long loggedAt;
        private long repeats;
        private boolean logged;

        /** -1: only counted; else log now, with this many repeats since the last line. */
        synchronized long occur(long now, long window) {
            if (logged && now - loggedAt < window) {
                repeats++;
                return -1;
            }
            long counted = repeats;
            logged = true;
            loggedAt = now;
            repeats = 0;
            return counted;
        }
    }
}
