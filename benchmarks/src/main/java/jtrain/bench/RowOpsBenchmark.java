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
import jtrain.engine.backend.Backend.Activation;
import jtrain.engine.backend.Backend.Unary;
import jtrain.engine.backend.Backends;

/**
 * Softmax, LayerNorm, GELU (erf and tanh forms), swish and exp on a 4096 x 1024 F32 activation, reference vs vector backend. With -prof gc,
 * gc.alloc.rate.norm shows whether a kernel's vectors stay in registers: 16 MB per call is the output alone.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx8g"})
public class RowOpsBenchmark {
    @Param({"reference", "vector"})
    public String backend;

    @Param({"4096x1024"})
    public String shape;

    private Backend be;
    private Tensor x, gamma, beta;

    @Setup
    public void setup() {
        be = Backends.byName(backend);
        String[] p = shape.split("x");
        int rows = Integer.parseInt(p[0]), cols = Integer.parseInt(p[1]);
        Rng rng = new Rng(7);
        x = Tensor.randn(rng, rows, cols);
        gamma = Tensor.randn(rng, cols);
        beta = Tensor.randn(rng, cols);
    }

    @Benchmark
    public Tensor softmax() {
        return be.softmax(x);
    }

    @Benchmark
    public Tensor logSoftmax() {
        return be.logSoftmax(x);
    }

    @Benchmark
    public Tensor[] layerNorm() {
        return be.layerNorm(x, gamma, beta, 1e-12);
    }

    @Benchmark
    public Tensor gelu() {
        return be.unary(Unary.GELU, x);
    }

    /** GELU's tanh approximation (hidden_act gelu_new), the fused kernel. */
    @Benchmark
    public Tensor geluTanh() {
        return be.activation(Activation.GELU_TANH, Math.sqrt(2 / Math.PI), x);
    }

    /** x sigmoid(x) (hidden_act silu), the fused kernel. */
    @Benchmark
    public Tensor swish() {
        return be.activation(Activation.SWISH, 1, x);
    }

    /** The vector exp behind softmax and the cross-entropy's log-sum-exp, alone. */
    @Benchmark
    public Tensor exp() {
        return be.unary(Unary.EXP, x);
    }
}
