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
import jtrain.engine.ops.Nn;

/**
 * The attention core through the ops, as BertAttention runs it: softmax(q k^T) v with q, k, v as (B, H, T, D) views
 * of (B, T, C) projections (k^T is a transposed view: no copy), dropout 0.1 on the probabilities; forward alone and
 * forward + backward. Shape "B x H x T x D"; BERT-mini heads with a quarter of the 32-sequence batch, so that the
 * reference backend finishes an iteration too.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class AttentionBenchmark {
    @Param({"reference", "vector"})
    public String backend;

    @Param({"8x4x128x64"})
    public String shape;

    private Backend be;
    private Tensor q, k, v; // (B, T, C) leaves; the head views are made in each call, as in the model
    private int heads, headDim;

    @Setup
    public void setup() {
        be = Backends.byName(backend);
        String[] p = shape.split("x");
        int b = Integer.parseInt(p[0]), h = Integer.parseInt(p[1]), t = Integer.parseInt(p[2]), d = Integer.parseInt(p[3]);
        Rng rng = new Rng(3);
        heads = h;
        headDim = d;
        q = Tensor.randn(rng, b, t, h * d).requiresGrad(true);
        k = Tensor.randn(rng, b, t, h * d).requiresGrad(true);
        v = Tensor.randn(rng, b, t, h * d).requiresGrad(true);
    }

    private Tensor heads(Tensor x) {
        return x.reshape(x.size(0), x.size(1), heads, headDim).permute(0, 2, 1, 3);
    }

    private Tensor attention() {
        return Nn.dropout(heads(q).matmul(heads(k).transpose(-1, -2)).softmax(), 0.1, 5, true).matmul(heads(v));
    }

    @Benchmark
    public Tensor forward() {
        try (var use = Backends.useCpu(be)) {
            return attention();
        }
    }

    @Benchmark
    public Tensor forwardBackward() {
        try (var use = Backends.useCpu(be)) {
            Tensor loss = attention().sum();
            loss.backward();
            q.zeroGrad();
            k.zeroGrad();
            v.zeroGrad();
            return loss;
        }
    }
}
