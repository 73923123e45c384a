package dev.ssejaxrs.demo;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.ssejaxrs.event.SseEvent;

/**
 * The demo's background jobs: each runs its steps on a small executor of its own (the request that starts it returns
 * at once), and any number of streams follow its progress. A stream that goes away leaves the job running; a new one
 * picks up the current progress. The last 1,000 jobs are kept.
 *
 * <p>Threads: a job's steps run on one executor thread; it publishes progress by bumping its {@code done} count and
 * then waking its followers. Each follower (one stream) drains on whichever thread woke it, the job's or the
 * stream's request, one drain at a time (a work-in-progress counter); it keeps no queue, since the steps it has not
 * sent yet are just the numbers from its next one to the job's current one.
 */
final class Jobs implements AutoCloseable {
    static final int MAX_STEPS = 10_000;
    static final long MAX_STEP_MILLIS = 60_000;
    private static final int KEPT = 1_000;

    private final AtomicInteger threads = new AtomicInteger();
    private final ThreadPoolExecutor executor = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(100), task -> {
                Thread t = new Thread(task, "demo-job-" + threads.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
    private final Map<String, Job> jobs = new LinkedHashMap<>();

    /**
     * Starts a job of {@code steps} steps of {@code stepTime} each that fails at step {@code failAt} (0: never).
     *
     * @throws java.util.concurrent.RejectedExecutionException when 100 jobs wait already
     */
    Job start(int steps, Duration stepTime, int failAt) {
        Job job = new Job(UUID.randomUUID().toString(), steps, stepTime, failAt);
        executor.execute(job::run);
        synchronized (jobs) {
            jobs.put(job.id, job);
            for (Iterator<Job> it = jobs.values().iterator(); jobs.size() > KEPT && it.hasNext(); ) {
                if (it.next().finished()) {
                    it.remove();
                }
            }
        }
        return job;
    }

    /** The job, or {@code null}. */
    Job find(String id) {
        synchronized (jobs) {
            return jobs.get(id);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    /** One job: its progress, read by any thread. */
    static final class Job {
        private enum Status { RUNNING, DONE, FAILED }

        final String id;
        final int total;
        private final Duration stepTime;
        private final int failAt;
        private final CopyOnWriteArrayList<Follower> followers = new CopyOnWriteArrayList<>();
        private volatile int done;
        private volatile Status status = Status.RUNNING;
        private volatile String error;

        private Job(String id, int total, Duration stepTime, int failAt) {
            this.id = id;
            this.total = total;
            this.stepTime = stepTime;
            this.failAt = failAt;
        }

        /** The last step done (0 before the first). */
        int currentStep() {
            return done;
        }

        boolean finished() {
            return status != Status.RUNNING;
        }

        private void run() {
            try {
                for (int step = 1; step <= total; step++) {
                    work(step);
                    done = step;
                    wake();
                }
                status = Status.DONE;
            } catch (InterruptedException e) {
                error = "the demo server stopped";
                status = Status.FAILED;
            } catch (RuntimeException e) {
                error = e.getMessage() != null ? e.getMessage() : e.toString();
                status = Status.FAILED;
            }
            wake();
        }

        /** One step of pretend work. */
        private void work(int step) throws InterruptedException {
            TimeUnit.NANOSECONDS.sleep(stepTime.toNanos());
            if (step == failAt) {
                throw new IllegalStateException("step " + step + " failed");
            }
        }

        private void wake() {
            for (Follower f : followers) {
                f.drain();
            }
        }

        /**
         * The job's progress for one stream: {@code event: progress} ({@code id} = step,
         * {@code {"done": i, "total": n}}) for each step from {@code firstStep}, then {@code event: done}, or
         * {@code event: error} ({@code {"message": ...}}) if it fails, and the end.
         */
        Flow.Publisher<Object> progressFrom(int firstStep) {
            return subscriber -> {
                Follower follower = new Follower(subscriber, Math.max(1, firstStep));
                followers.add(follower);
                subscriber.onSubscribe(follower);
                follower.drain();
            };
        }

        private final class Follower implements Flow.Subscription {
            private final Flow.Subscriber<? super Object> subscriber;
            private final AtomicInteger wip = new AtomicInteger();
            private final AtomicLong demand = new AtomicLong();
            private volatile boolean cancelled;
            private int next;

            Follower(Flow.Subscriber<? super Object> subscriber, int first) {
                this.subscriber = subscriber;
                this.next = first;
            }

            @Override
            public void request(long n) {
                if (n <= 0) {
                    cancel();
                    subscriber.onError(new IllegalArgumentException("request must be positive (rule 3.9): " + n));
                    return;
                }
                demand.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
                drain();
            }

            @Override
            public void cancel() {
                cancelled = true;
                followers.remove(this);
            }

            private void drain() {
                if (wip.getAndIncrement() != 0) {
                    return;
                }
                do {
                    while (!cancelled && demand.get() > 0) {
                        Status now = status; // read before done: done is final once the status is
                        if (next <= done) {
                            demand.decrementAndGet();
                            subscriber.onNext(SseEvent.builder().event("progress").id(Integer.toString(next))
                                    .data("{\"done\":" + next + ",\"total\":" + total + "}").build());
                            next++;
                        } else if (now != Status.RUNNING) {
                            cancel();
                            subscriber.onNext(now == Status.DONE
                                    ? SseEvent.builder().event("done").data("{\"done\":" + done + ",\"total\":"
                                            + total + "}").build()
                                    : SseEvent.builder().event("error")
                                            .data(JsonErrors.json(Map.of("message", error))).build());
                            subscriber.onComplete();
                        } else {
                            break;
                        }
                    }
                } while (wip.decrementAndGet() != 0);
            }
        }
    }
}
