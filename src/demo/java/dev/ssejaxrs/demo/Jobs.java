package dev.ssejaxrs.demo;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.event.SseEvent;

/**
 * The demo's background jobs: each runs its steps on a small executor of its own (the request that starts it returns
 * at once) and publishes its progress to a topic of the registry, {@code job-<id>}, then
 * {@linkplain EventRegistry#complete completes} it with {@code event: done} (or {@code event: error}): the registry
 * ends every follower's stream after that event, and answers 204 to later ones. The last 1,000 jobs are kept.
 *
 * <p>Threads: a job's steps run on one executor thread, which publishes; {@link Job#currentStep()} and
 * {@link Job#finished()} are read by request threads.
 */
final class Jobs implements AutoCloseable {
    static final int MAX_STEPS = 10_000;
    static final long MAX_STEP_MILLIS = 60_000;
    private static final int KEPT = 1_000;

    private final EventRegistry registry;
    private final AtomicInteger threads = new AtomicInteger();
    private final ThreadPoolExecutor executor = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(100), task -> {
                Thread t = new Thread(task, "demo-job-" + threads.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
    private final Map<String, Job> jobs = new LinkedHashMap<>();

    Jobs(EventRegistry registry) {
        this.registry = registry;
    }

    /**
     * Starts a job of {@code steps} steps of {@code stepTime} each that fails at step {@code failAt} (0: never).
     *
     * @throws java.util.concurrent.RejectedExecutionException when 100 jobs wait already
     */
    Job start(int steps, Duration stepTime, int failAt) {
        Job job = new Job(UUID.randomUUID().toString(), steps, stepTime, failAt);
        job.started(); // its topic exists (id 0) before anyone can follow it
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

    /** A job's last step done, the id of the event before it, and its own. */
    private record Progress(int done, String before, String last) {
    }

    /** One job: its progress, read by any thread. */
    final class Job {
        final String id;
        final Address topic;
        final int total;
        private final Duration stepTime;
        private final int failAt;
        /** The last step done, and the id of the event before it: one value, so that readers see a pair. */
        private volatile Progress progress;
        private volatile boolean finished;

        private Job(String id, int total, Duration stepTime, int failAt) {
            this.id = id;
            this.topic = Address.topic("job-" + id);
            this.total = total;
            this.stepTime = stepTime;
            this.failAt = failAt;
        }

        /** The last step done (0 before the first). */
        int currentStep() {
            return progress.done;
        }

        /** The id of the event before the current step's: a new follower resumes after it. */
        String beforeCurrentStep() {
            return progress.before;
        }

        boolean finished() {
            return finished;
        }

        /** A first event that no follower is sent (they resume after it): the topic exists from now on. */
        private void started() {
            String first = publish(SseEvent.comment("job " + id));
            progress = new Progress(0, first, first);
        }

        /** Publishes {@code event} and returns its id (on Redis, once Redis has it). */
        private String publish(SseEvent event) {
            return registry.publish(topic, event).toCompletableFuture().join().id();
        }

        private void run() {
            SseEvent last;
            try {
                for (int step = 1; step <= total; step++) {
                    work(step);
                    String id = publish(SseEvent.builder().event("progress")
                            .data("{\"done\":" + step + ",\"total\":" + total + "}").build());
                    progress = new Progress(step, progress.last, id);
                }
                last = SseEvent.builder().event("done").data("{\"done\":" + total + ",\"total\":" + total + "}")
                        .build();
            } catch (InterruptedException e) {
                last = error("the demo server stopped");
            } catch (RuntimeException e) {
                last = error(e.getMessage() != null ? e.getMessage() : e.toString());
            }
            finished = true;
            registry.complete(topic, last); // every follower's stream ends after it; later ones get 204
        }

        private SseEvent error(String message) {
            return SseEvent.builder().event("error").data(JsonErrors.json(Map.of("message", message))).build();
        }

        /** One step of pretend work. */
        private void work(int step) throws InterruptedException {
            TimeUnit.NANOSECONDS.sleep(stepTime.toNanos());
            if (step == failAt) {
                throw new IllegalStateException("step " + step + " failed");
            }
        }
    }
}
