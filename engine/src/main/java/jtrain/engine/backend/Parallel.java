package jtrain.engine.backend;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A parallel-for over index ranges on one small, shared pool of daemon threads (one per core). The calling thread
 * runs the first chunk itself, so a two-way split needs only one hand-off. Work below a grain size, and calls made
 * from inside a pool thread (nested parallelism), run inline on the caller: splitting them costs more than it saves.
 */
public final class Parallel {
    private Parallel() {}

    /** The body of a parallel loop: handles indices [from, to). */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    /** Number of threads that work at once (the caller included). */
    public static final int THREADS = threads(System.getProperty("jtrain.threads"), Runtime.getRuntime().availableProcessors());

    /** -Djtrain.threads=N, or every core; a value that is not a positive integer is reported, not silently replaced. */
    static int threads(String setting, int cores) {
        if (setting == null) return cores;
        try {
            int n = Integer.parseInt(setting.strip());
            if (n >= 1) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        System.err.println("jtrain: -Djtrain.threads=" + setting + " is not a positive integer; using all " + cores + " cores");
        return cores;
    }

    private static final ThreadLocal<Boolean> IN_POOL = ThreadLocal.withInitial(() -> false);
    private static final ExecutorService POOL = THREADS > 1 ? Executors.newFixedThreadPool(THREADS - 1, daemonFactory()) : null;

    private static ThreadFactory daemonFactory() {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(() -> {
                IN_POOL.set(true);
                r.run();
            }, "jtrain-parallel-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Runs body on the calling thread with every parallel loop inside it run inline, as with -Djtrain.threads=1:
     * tests use it to check that a kernel gives the same bits on one thread as on all of them.
     */
    static void serially(Runnable body) {
        boolean was = IN_POOL.get();
        IN_POOL.set(true);
        try {
            body.run();
        } finally {
            IN_POOL.set(was);
        }
    }

    /**
     * Runs body over [0, n) in up to {@link #THREADS} contiguous chunks of at least grain indices each.
     * Exceptions thrown by any chunk are rethrown on the caller.
     */
    public static void forRange(int n, int grain, Range body) {
        int chunks = Math.min(THREADS, n / Math.max(1, grain));
        if (chunks <= 1 || POOL == null || IN_POOL.get()) {
            if (n > 0) body.run(0, n);
            return;
        }
        @SuppressWarnings("unchecked")
        Future<?>[] futures = new Future<?>[chunks - 1];
        for (int c = 1; c < chunks; c++) {
            int from = (int) ((long) n * c / chunks), to = (int) ((long) n * (c + 1) / chunks);
            futures[c - 1] = POOL.submit(() -> body.run(from, to));
        }
        RuntimeException failure = null;
        try {
            body.run(0, (int) ((long) n / chunks));
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) failure = new IllegalStateException("interrupted while waiting for workers", e);
            } catch (java.util.concurrent.ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                }
            }
        }
        if (failure != null) throw failure;
    }
}
