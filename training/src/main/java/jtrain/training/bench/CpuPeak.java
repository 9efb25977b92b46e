package jtrain.training.bench;

import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.engine.backend.Backend;

/** The device's practical peak: the best GFLOP/s of a few square SGEMMs on the current backend, measured now. */
final class CpuPeak {
    private CpuPeak() {}

    static final int SIZE = 1024;

    /** Best of reps products of SIZE x SIZE matrices, in GFLOP/s. */
    static double measure(Backend be, int reps) {
        Rng rng = new Rng(1);
        Tensor a = Tensor.randn(rng, 1, SIZE, SIZE), b = Tensor.randn(rng, 1, SIZE, SIZE);
        double best = 0;
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            be.matmul(a, b);
            double s = (System.nanoTime() - t0) / 1e9;
            best = Math.max(best, 2.0 * SIZE * SIZE * SIZE / s / 1e9);
        }
        return best;
    }
}
