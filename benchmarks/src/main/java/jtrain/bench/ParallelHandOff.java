package jtrain.bench;

import java.util.Arrays;

import jtrain.engine.backend.Parallel;

/**
 * What one parallel loop costs beyond its work: a trivial two-way {@code Parallel.forRange} (each chunk adds one
 * number), called after a stretch of serial work, as a training step calls its kernels between the model's own Java
 * code. With short gaps the worker is still polling for the next loop; after longer ones it has parked and must be
 * woken. Prints the median, 90th percentile and mean latency per gap.
 *
 * <p>Run: java --add-modules jdk.incubator.vector -cp "benchmarks/target/benchmarks.jar:benchmarks/target/lib/*"
 * [-Djtrain.spinMicros=0] jtrain.bench.ParallelHandOff [calls], default 2000 calls per gap. With spinMicros=0 the
 * workers park at once, as a plain thread pool's do.
 */
public final class ParallelHandOff {
    private ParallelHandOff() {}

    private static volatile long sink;

    public static void main(String[] args) {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        if (Parallel.THREADS < 2) {
            System.out.println("one thread (-Djtrain.threads or a single core): loops run inline, nothing to hand off");
            return;
        }
        System.out.printf("%d threads, jtrain.spinMicros=%s%n", Parallel.THREADS, System.getProperty("jtrain.spinMicros", "200 (default)"));
        long[] latency = new long[calls];
        for (int gapMicros : new int[] {0, 10, 100, 1000}) {
            for (int round = 0; round < 2; round++) { // the first round warms up
                for (int i = 0; i < calls; i++) {
                    long end = System.nanoTime() + gapMicros * 1000L;
                    while (System.nanoTime() < end) sink++;
                    long t0 = System.nanoTime();
                    Parallel.forRange(2, 1, (from, to) -> sink += from);
                    latency[i] = System.nanoTime() - t0;
                }
            }
            Arrays.sort(latency);
            System.out.printf("serial work between loops %5d us: median %7.1f us, p90 %7.1f us, mean %7.1f us%n", gapMicros,
                    latency[calls / 2] / 1e3, latency[calls * 9 / 10] / 1e3, Arrays.stream(latency).average().orElse(0) / 1e3);
        }
    }
}
