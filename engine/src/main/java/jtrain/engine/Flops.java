package jtrain.engine;

import java.util.concurrent.atomic.LongAdder;

/**
 * Floating-point operations counted by the engine as ops run (matrix products: 2*M*N*K each, forward and
 * backward), so throughput figures come from what was executed rather than from a formula.
 */
public final class Flops {
    private Flops() {}

    private static final LongAdder COUNT = new LongAdder();

    public static void add(long flops) {
        COUNT.add(flops);
    }

    /** Total since the JVM started (take differences around the region of interest). */
    public static long total() {
        return COUNT.sum();
    }
}
