package dev.ssejaxrs.internal.servlet;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;

import dev.ssejaxrs.internal.grizzly.GrizzlyConnection;
import dev.ssejaxrs.internal.jersey.BlockingConnection;

/**
 * A stream's connection on a servlet container (Tomcat, Payara, ...): non-blocking writes through the Servlet API's
 * {@link WriteListener}, the way {@link GrizzlyConnection} uses Grizzly's, so that no thread ever waits for a client
 * that does not read; and writes that stop for good once the container ends the asynchronous request.
 *
 * <p>Non-blocking: once the stream runs ({@link #startStreaming()}, after Jersey wrote the head), the connection
 * sets itself as the output's write listener. The stream writes only when {@link #isReady()} says the container
 * takes more; when it does not, the stream returns its thread and {@link #onWritePossible()} resumes it. A flush
 * that cannot happen yet (the servlet API forbids it while the output is not ready) is done by
 * {@link #onWritePossible()} first. A frozen client thus holds no thread, and the send timeout ends its stream.
 * When the container does not support it (a listener set already, say), writes block as on any Jersey container.
 *
 * <p>Ended: the container may end the asynchronous request on its own (Tomcat does after a write to a client that
 * left fails, or on an error or timeout) and recycle its response objects for the next request. A write through
 * the stream we hold would then land in another client's response. So the container's {@link AsyncListener} events
 * mark the connection ended under the same lock that every write holds: the container cannot recycle the response
 * while a write is in progress, and no write happens after. The event also closes the stream ({@code CLIENT_GONE}).
 *
 * <p>Threads: the stream's drain task writes, flushes and ends; the container calls the listener methods on its
 * threads; {@link #abort()} may come from the scheduler and never waits for a blocked write. One lock guards the
 * output and the state.
 */
public final class ServletConnection extends BlockingConnection implements AsyncListener, WriteListener {
    private static final System.Logger LOG = System.getLogger(ServletConnection.class.getName());

    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicReference<Runnable> onGone = new AtomicReference<>();
    private final AtomicReference<Runnable> onReady = new AtomicReference<>();
    /** The container's output under Jersey's stream, for readiness; {@code null} when unknown. */
    private final ServletOutputStream servletOut;
    // Guarded by lock.
    /** The response ended: by the container, or by {@link #end()}. */
    private boolean ended;
    private boolean nonBlocking;
    private boolean flushPending;
    private volatile boolean containerEnded;

    ServletConnection(OutputStream out, AutoCloseable response, ServletOutputStream servletOut) {
        super(out, response);
        this.servletOut = servletOut;
    }

    @Override
    public void startStreaming() {
        lock.lock();
        try {
            if (ended || servletOut == null) {
                return;
            }
            servletOut.setWriteListener(this);
            nonBlocking = true;
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "no non-blocking output on this container: writes may wait for the client", e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        lock.lock();
        try {
            checkOpen();
            super.write(bytes, offset, length);
        } catch (RuntimeException e) {
            throw clientGone(e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void flush() throws IOException {
        lock.lock();
        try {
            checkOpen();
            if (nonBlocking && !servletOut.isReady()) {
                flushPending = true; // onWritePossible flushes once the container takes more
                return;
            }
            super.flush();
        } catch (RuntimeException e) {
            throw clientGone(e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A write that failed with an unchecked exception: the client is gone too. Tomcat reports a write to an HTTP/2
     * stream the client reset as a {@code NullPointerException} from its {@code CoyoteOutputStream}.
     */
    private static IOException clientGone(RuntimeException e) {
        return new IOException("the container failed a write: the client is gone", e);
    }

    private void checkOpen() throws IOException {
        if (ended) {
            throw new IOException("the container ended the response: the client is gone");
        }
    }

    @Override
    public boolean isReady() {
        lock.lock();
        try {
            if (ended || !nonBlocking) {
                return true; // a write then fails, or blocks as on any container
            }
            return !flushPending && servletOut.isReady();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void whenReady(Runnable task) {
        onReady.set(task);
        if (isReady()) { // became ready before the task was set: onWritePossible may have found none
            runOnReady();
        }
    }

    @Override
    public boolean isClientGone() {
        return containerEnded;
    }

    @Override
    public void onClientGone(Runnable task) {
        onGone.set(task);
        if (containerEnded) {
            runOnGone();
        }
    }

    @Override
    public void end() {
        lock.lock();
        try {
            if (!ended) {
                ended = true;
                super.end(); // Jersey completes the request, unless the container already ended it
            }
        } finally {
            lock.unlock();
        }
        runOnReady(); // nothing waits for writability any more
    }

    /** Ends now unless a blocking write is in progress; then the drain ends the response once it returns. */
    @Override
    public void abort() {
        if (lock.tryLock()) {
            try {
                end();
            } finally {
                lock.unlock();
            }
        }
    }

    // ---- WriteListener: called by the container once the output takes more after isReady() said no.

    @Override
    public void onWritePossible() {
        boolean ready = true;
        lock.lock();
        try {
            if (!ended && nonBlocking) {
                if (flushPending) {
                    flushPending = false;
                    super.flush();
                }
                ready = servletOut.isReady();
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "flushing an event stream failed: the client is gone", e);
        } finally {
            lock.unlock();
        }
        if (ready) {
            runOnReady();
        }
    }

    @Override
    public void onError(Throwable error) {
        LOG.log(Level.DEBUG, "the container reports a failed write: the client is gone", error);
        endedByContainer();
        runOnReady();
    }

    private void runOnReady() {
        Runnable task = onReady.getAndSet(null);
        if (task != null) {
            task.run();
        }
    }

    // ---- AsyncListener: called by the container.

    @Override
    public void onComplete(AsyncEvent event) {
        endedByContainer();
    }

    @Override
    public void onError(AsyncEvent event) {
        endedByContainer();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        endedByContainer();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // not re-registered: one asynchronous cycle per stream
    }

    /** The container ended (or will end, before the stream could write) the response. */
    void endedByContainer() {
        lock.lock(); // waits for a write in progress: the container recycles the response after this returns
        try {
            ended = true;
            containerEnded = true;
        } finally {
            lock.unlock();
        }
        runOnGone();
    }

    private void runOnGone() {
        Runnable task = onGone.getAndSet(null);
        if (task != null) {
            task.run();
        }
    }
}
