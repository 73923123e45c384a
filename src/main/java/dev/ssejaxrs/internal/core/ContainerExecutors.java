package dev.ssejaxrs.internal.core;

import java.lang.System.Logger.Level;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import javax.naming.InitialContext;
import javax.naming.NamingException;

/**
 * The threads a Jakarta EE server lends an application: its default managed executors, looked up in JNDI
 * ({@code java:comp/DefaultManagedExecutorService}, {@code java:comp/DefaultManagedScheduledExecutorService}) only
 * where they exist. Tasks on them run with the application's context (CDI, JNDI, class loader, security), which the
 * library's own threads lack. The server owns them: the library never shuts them down.
 */
public final class ContainerExecutors {
    private static final System.Logger LOG = System.getLogger(ContainerExecutors.class.getName());
    static final String EXECUTOR = "java:comp/DefaultManagedExecutorService";
    static final String SCHEDULER = "java:comp/DefaultManagedScheduledExecutorService";

    private ContainerExecutors() {
    }

    /** The server's managed executor, or {@code null} outside a Jakarta EE server. */
    public static Executor executor() {
        return lookup(EXECUTOR) instanceof Executor executor ? executor : null;
    }

    /** The server's managed scheduled executor, or {@code null} outside a Jakarta EE server. */
    public static ScheduledExecutorService scheduler() {
        return lookup(SCHEDULER) instanceof ScheduledExecutorService scheduler ? scheduler : null;
    }

    private static Object lookup(String name) {
        try {
            return new InitialContext().lookup(name);
        } catch (NamingException | RuntimeException | LinkageError e) { // no JNDI, or no such name
            LOG.log(Level.DEBUG, () -> "no " + name + ": the library's own threads are used", e);
            return null;
        }
    }

    /**
     * An executor the application lent (a managed one, or one passed in): refuses tasks once the application
     * stops, without shutting the executor itself down. Thread-safe.
     */
    static final class Borrowed implements Executor {
        private final Executor delegate;
        private volatile boolean stopped;

        Borrowed(Executor delegate) {
            this.delegate = delegate;
        }

        @Override
        public void execute(Runnable task) {
            if (stopped) {
                throw new RejectedExecutionException("the application is stopping");
            }
            delegate.execute(task);
        }

        void stop() {
            stopped = true;
        }
    }
}
