package dev.ssejaxrs.test;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The warnings (and worse) that loggers record while a test runs something: one logger's, or every logger's. */
public final class LoggedWarnings extends Handler implements AutoCloseable {
    private final Logger logger;
    private final boolean withLoggerName;
    private final List<String> warnings = new ArrayList<>();

    private LoggedWarnings(Logger logger, boolean withLoggerName) {
        this.logger = logger;
        this.withLoggerName = withLoggerName;
        logger.addHandler(this);
    }

    /** Runs {@code action} and returns what the logger named {@code loggerName} warned meanwhile, in order. */
    public static List<String> during(String loggerName, Runnable action) {
        try (LoggedWarnings capture = new LoggedWarnings(Logger.getLogger(loggerName), false)) {
            action.run();
            return capture.snapshot();
        }
    }

    /** Captures every logger's warnings, each as {@code logger: message}, until closed. */
    public static LoggedWarnings anywhere() {
        return new LoggedWarnings(Logger.getLogger(""), true);
    }

    /** The warnings so far, in order. */
    public List<String> snapshot() {
        synchronized (warnings) {
            return List.copyOf(warnings);
        }
    }

    @Override
    public void publish(LogRecord record) {
        if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
            synchronized (warnings) {
                warnings.add(withLoggerName ? record.getLoggerName() + ": " + record.getMessage() : record.getMessage());
            }
        }
    }

    @Override
    public void flush() {
    }

    /** Stops capturing. */
    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
