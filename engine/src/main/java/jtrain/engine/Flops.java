package jtrain.engine;

import java.util.concurrent.atomic.LongAdder;

/**
 * Floating-point operations counted by the engine as ops run (matrix products: 2*M*N*K each, forward and
 * backward), so throughput figures come from what was executed rather than from a formula.
 */
public final class Flops {
    private Flops() {}

    private static final LongAdder COUNT = new LongAdder();
    /** Set on a thread while a checkpoint recomputes a forward pass: work done again, not work the model needs. */
    private static final ThreadLocal<boolean[]> PAUSED = ThreadLocal.withInitial(() -> new boolean[1]);

    public static void add(long flops) {
        if (!PAUSED.get()[0]) COUNT.add(flops);
    }

    /**
     * Leaves this thread's products uncounted until close(), so a run's FLOPs (model FLOPs, as MFU counts them) are
     * the same with and without activation checkpointing; its recomputation shows in the time instead.
     */
    static Autograd.AutoCloseable0 pause() {
        boolean[] paused = PAUSED.get();
        boolean outer = paused[0];
        paused[0] = true;
        return () -> paused[0] = outer;
    }

    /** Total since the JVM started (take differences around the region of interest). */
    public static long total() {
        return COUNT.sum();
    }
}
