package jtrain.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.engine.backend.Backend;
import jtrain.engine.backend.Backends;
import jtrain.engine.ops.Views;

/**
 * The three products of a linear layer in training, at BERT-mini shapes "tokens x in x out" (4096 tokens): forward
 * y = x W^T + b (bias fused into the product), and backward gx = g W and gW = g^T x, whose operands are transposed
 * views (no copies). Vector backend only: the reference backend's scalar loops take seconds per product here (add
 * -p backend=reference to see). The "kiloflop" counter per microsecond reads as GFLOP/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class LinearBenchmark {
    @Param({"vector"})
    public String backend;

    /** attention projections, FFN up, FFN down, vocabulary projection. */
    @Param({"4096x256x256", "4096x256x1024", "4096x1024x256", "4096x256x8192"})
    public String shape;

    private Backend be;
    private Tensor x, wT, bias, g, gT, w, xAsB;
    private long kiloflop;

    @Setup
    public void setup() {
        be = Backends.byName(backend);
        String[] p = shape.split("x");
        int m = Integer.parseInt(p[0]), in = Integer.parseInt(p[1]), out = Integer.parseInt(p[2]);
        Rng rng = new Rng(1);
        Tensor weight = Tensor.randn(rng, out, in), input = Tensor.randn(rng, m, in), grad = Tensor.randn(rng, m, out);
        x = Views.reshapeView(input, 1, m, in);
        wT = Views.strided(weight, new int[] {1, in, out}, new int[] {0, 1, in}, 0);      // W^T, column-major view
        w = Views.reshapeView(weight, 1, out, in);
        bias = Tensor.randn(rng, out);
        g = Views.reshapeView(grad, 1, m, out);
        gT = Views.strided(grad, new int[] {1, out, m}, new int[] {0, 1, out}, 0);        // g^T, column-major view
        xAsB = x;
        kiloflop = 2L * m * in * out / 1000;
    }

    @Benchmark
    public Tensor forwardWithBias(FlopWork work) {
        work.kiloflop += kiloflop;
        return be.matmulBias(x, wT, bias);
    }

    @Benchmark
    public Tensor backwardInput(FlopWork work) {
        work.kiloflop += kiloflop;
        return be.matmul(g, w);
    }

    @Benchmark
    public Tensor backwardWeight(FlopWork work) {
        work.kiloflop += kiloflop;
        return be.matmul(gT, xAsB);
    }
}
