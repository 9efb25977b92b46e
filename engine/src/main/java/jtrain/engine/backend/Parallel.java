package jtrain.engine.backend;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * A parallel-for over index ranges on one small, shared set of daemon worker threads (one per core but the
 * caller's). The calling thread runs the first chunk itself, so a two-way split needs only one hand-off. Work below
 * a grain size, calls made from inside a worker (nested parallelism), and a call made while another thread's loop
 * has the workers, run inline on the caller: splitting them costs more than it saves, or would have to wait.
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

    private static final ThreadLocal<Boolean> IN_WORKER = ThreadLocal.withInitial(() -> false);
    private static final Worker[] WORKERS = startWorkers(THREADS - 1);
    /** Held by the thread whose loop the workers are running; a second caller meanwhile runs its loop alone. */
    private static final AtomicBoolean BUSY = new AtomicBoolean();

    /**
     * How long an idle worker, and a caller waiting for its workers, poll before parking. Waking a parked thread
     * took 50-150 µs on the 2-core VMs (a trivial two-way loop: 5-7 µs back to back, about 100 µs once the worker
     * had parked), and a training step makes hundreds of parallel calls with a little serial work between them.
     * -Djtrain.spinMicros=0 parks at once, as a plain thread pool does.
     */
    private static volatile long spinNanos = 1000L * Math.max(0, Long.getLong("jtrain.spinMicros", 200));

    /** The polling time above, in microseconds. */
    static long spinMicros() {
        return spinNanos / 1000;
    }

    /** Sets the polling time above (tests and benchmarks compare settings in one JVM). */
    static void setSpinMicros(long micros) {
        spinNanos = 1000L * Math.max(0, micros);
    }

    private static Worker[] startWorkers(int n) {
        Worker[] workers = new Worker[Math.max(0, n)];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker("jtrain-parallel-" + (i + 1));
            workers[i].start();
        }
        return workers;
    }

    /** A daemon thread that runs one chunk at a time, handed over through a volatile field. */
    private static final class Worker extends Thread {
        private volatile Runnable task;      // set by the caller, cleared by this thread when the chunk is done
        private volatile Throwable failure;  // what the last chunk threw, read by the caller after it is done
        private volatile boolean parked;     // this thread is (about to be) parked waiting for a task
        private volatile Thread waiter;      // a caller parked waiting for this chunk to finish
        private boolean woken;               // the last submit had to wake this thread (used by the caller only)

        Worker(String name) {
            super(name);
            setDaemon(true);
        }

        @Override
        public void run() {
            IN_WORKER.set(true);
            while (true) {
                Runnable t = awaitTask();
                try {
                    t.run();
                } catch (Throwable e) {
                    failure = e;
                }
                task = null;
                Thread w = waiter;
                if (w != null) LockSupport.unpark(w);
            }
        }

        private Runnable awaitTask() {
            long spinUntil = System.nanoTime() + spinNanos;
            Runnable t;
            while ((t = task) == null && System.nanoTime() < spinUntil) Thread.onSpinWait();
            if (t != null) return t;
            // Written before task is read again, and the caller writes task before reading parked: one of the two
            // sees the other's write, so a task is never left waiting for a thread that parked past it.
            parked = true;
            while ((t = task) == null) LockSupport.park(this);
            parked = false;
            return t;
        }

        void submit(Runnable t) {
            failure = null;
            task = t;
            woken = parked;
            if (woken) LockSupport.unpark(this);
        }

        /**
         * Waits until the submitted chunk is done; returns what it threw, or null. When the worker had to be woken,
         * its chunk starts late, and the caller parks at once instead of polling first (see ParallelHandOff).
         */
        Throwable await() {
            long spinUntil = System.nanoTime() + (woken ? 0 : spinNanos);
            while (task != null && System.nanoTime() < spinUntil) Thread.onSpinWait();
            if (task != null) {
                waiter = Thread.currentThread();
                while (task != null) LockSupport.park(this);
                waiter = null;
            }
            return failure;
        }
    }

    /**
     * Runs body on the calling thread with every parallel loop inside it run inline, as with -Djtrain.threads=1:
     * tests use it to check that a kernel gives the same bits on one thread as on all of them.
     */
    static void serially(Runnable body) {
        boolean was = IN_WORKER.get();
        IN_WORKER.set(true);
        try {
            body.run();
        } finally {
            IN_WORKER.set(was);
        }
    }

    /**
     * Runs body over [0, n) in up to {@link #THREADS} contiguous chunks of at least grain indices each.
     * Exceptions thrown by any chunk are rethrown on the caller.
     */
    public static void forRange(int n, int grain, Range body) {
        int chunks = Math.min(THREADS, n / Math.max(1, grain));
        if (chunks <= 1 || WORKERS.length == 0 || IN_WORKER.get() || !BUSY.compareAndSet(false, true)) {
            if (n > 0) body.run(0, n);
            return;
        }
        try {
            for (int c = 1; c < chunks; c++) {
                int from = (int) ((long) n * c / chunks), to = (int) ((long) n * (c + 1) / chunks);
                WORKERS[c - 1].submit(() -> body.run(from, to));
            }
            Throwable failure = null;
            try {
                body.run(0, (int) ((long) n / chunks));
            } catch (RuntimeException | Error e) {
                failure = e;
            }
            for (int c = 1; c < chunks; c++) {
                Throwable f = WORKERS[c - 1].await();
                if (failure == null) failure = f;
            }
            if (failure instanceof RuntimeException re) throw re;
            if (failure instanceof Error err) throw err;
            if (failure != null) throw new IllegalStateException(failure);
        } finally {
            BUSY.set(false);
        }
    }
}
