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
import jtrain.engine.backend.VectorBackend;
import jtrain.engine.ops.Views;

/**
 * F32 matrix products on the vector backend (the reference backend would take minutes per call at these sizes).
 * Shapes are "M x K x N": square sizes plus the BERT-base-like products of a 4096-token batch (hidden 256 or 1024,
 * FFN and vocabulary-sized outputs). Runs in throughput mode per microsecond so that the auxiliary counter
 * "kiloflop" (2*M*K*N / 1000 per product) reads directly as GFLOP/s: look at the matmul:kiloflop rows.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx8g"})
public class SgemmBenchmark {
    @Param({"256x256x256", "512x512x512", "1024x1024x1024", "2048x2048x2048",
            "4096x256x1024", "4096x1024x256", "4096x256x8192"})
    public String shape;

    private final Backend backend = new VectorBackend();
    private Tensor a, b;
    private long kiloflopPerProduct;

    @Setup
    public void setup() {
        String[] p = shape.split("x");
        int m = Integer.parseInt(p[0]), k = Integer.parseInt(p[1]), n = Integer.parseInt(p[2]);
        Rng rng = new Rng(1);
        a = Views.reshapeView(Tensor.randn(rng, m, k), 1, m, k);
        b = Views.reshapeView(Tensor.randn(rng, k, n), 1, k, n);
        kiloflopPerProduct = 2L * m * k * n / 1000;
    }

    @Benchmark
    public Tensor matmul(FlopWork work) {
        work.kiloflop += kiloflopPerProduct;
        return backend.matmul(a, b);
    }
}
