package dev.ssejaxrs.test;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The warnings (and worse) that one logger records while an action runs, as their message patterns. */
public final class LoggedWarnings {
    private LoggedWarnings() {
    }

    /** Runs {@code action} and returns what the logger named {@code loggerName} warned meanwhile, in order. */
    public static List<String> during(String loggerName, Runnable action) {
        List<String> warnings = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    synchronized (warnings) {
                        warnings.add(record.getMessage());
                    }
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(loggerName);
        logger.addHandler(capture);
        try {
            action.run();
        } finally {
            logger.removeHandler(capture);
        }
        synchronized (warnings) {
            return List.copyOf(warnings);
        }
    }
}
