package dev.ssejaxrs.stream;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;

/**
 * A stream's connection on a servlet container (Tomcat, Payara, ...): blocking writes, like {@link JerseyConnection},
 * that stop for good once the container ends the asynchronous request.
 *
 * <p>Why: the container may end the asynchronous request on its own (Tomcat does after a write to a client that
 * left fails, or on an error or timeout) and recycle its response objects for the next request. A write through
 * the stream we hold would then land in another client's response. So the container's {@link AsyncListener} events
 * mark the connection ended under the same lock that every write holds: the container cannot recycle the response
 * while a write is in progress, and no write happens after. The event also closes the stream ({@code CLIENT_GONE}).
 *
 * <p>Threads: the stream's drain task writes, flushes and ends; the container calls the listener methods on its
 * threads; {@link #abort()} may come from the scheduler and never waits for a blocked write.
 */
final class ServletConnection extends JerseyConnection implements AsyncListener {
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicReference<Runnable> onGone = new AtomicReference<>();
    /** The response ended: by the container, or by {@link #end()}. Guarded by {@link #lock}. */
    private boolean ended;
    private volatile boolean containerEnded;

    ServletConnection(OutputStream out, AutoCloseable response) {
        super(out, response);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        lock.lock();
        try {
            checkOpen();
            super.write(bytes, offset, length);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void flush() throws IOException {
        lock.lock();
        try {
            checkOpen();
            super.flush();
        } finally {
            lock.unlock();
        }
    }

    private void checkOpen() throws IOException {
        if (ended) {
            throw new IOException("the container ended the response: the client is gone");
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
    }

    /** Ends now unless a write is blocked; then the drain ends the response once the write returns or fails. */
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
