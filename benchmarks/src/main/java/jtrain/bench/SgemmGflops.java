package jtrain.bench;

import jtrain.engine.CpuStorage;
import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.engine.backend.Backend;
import jtrain.engine.backend.VectorBackend;
import jtrain.engine.ops.Views;

/**
 * A plain timing loop for square F32 products on the vector backend, printing the same "n=... best ... GFLOP/s"
 * lines as benchmarks/scripts/openblas_sgemm.py so the two can run side by side (JMH's SgemmBenchmark is the
 * careful measurement; this one is for quick interleaved comparisons on a shared machine). It checks a few
 * entries of each product against a dot product in double, so a fast wrong kernel cannot report a number.
 *
 * <p>Run: java --add-modules jdk.incubator.vector -cp "benchmarks/target/benchmarks.jar:benchmarks/target/lib/*"
 * jtrain.bench.SgemmGflops 512 1024 2048
 */
public final class SgemmGflops {
    private SgemmGflops() {}

    public static void main(String[] args) {
        Backend be = new VectorBackend();
        int[] sizes = args.length == 0 ? new int[] {512, 1024, 2048} : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        for (int n : sizes) {
            Rng rng = new Rng(1);
            Tensor a = Views.reshapeView(Tensor.randn(rng, n, n), 1, n, n), b = Views.reshapeView(Tensor.randn(rng, n, n), 1, n, n);
            check(a, b, be.matmul(a, b), n, rng);
            int reps = n >= 2048 ? 3 : n >= 1024 ? 10 : 40;
            double best = 0;
            for (int round = 0; round < 8; round++) { // the first rounds also warm up the JIT
                long t0 = System.nanoTime();
                for (int r = 0; r < reps; r++) be.matmul(a, b);
                double seconds = (System.nanoTime() - t0) / 1e9 / reps;
                best = Math.max(best, 2.0 * n * n * n / seconds / 1e9);
            }
            System.out.printf("n=%d best %.1f GFLOP/s%n", n, best);
        }
    }

    private static void check(Tensor a, Tensor b, Tensor c, int n, Rng rng) {
        float[] x = ((CpuStorage) a.storage()).f32, y = ((CpuStorage) b.storage()).f32, z = ((CpuStorage) c.storage()).f32;
        for (int t = 0; t < 16; t++) {
            int i = rng.nextInt(n), j = rng.nextInt(n);
            double dot = 0, mag = 0;
            for (int q = 0; q < n; q++) {
                dot += (double) x[i * n + q] * y[q * n + j];
                mag += Math.abs((double) x[i * n + q] * y[q * n + j]);
            }
            if (Math.abs(dot - z[i * n + j]) > 1e-5 * mag) {
                throw new AssertionError("wrong product at (" + i + ", " + j + "): " + z[i * n + j] + " vs " + dot);
            }
        }
    }
}
