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
import jtrain.engine.backend.Backend.Binary;
import jtrain.engine.backend.Backends;

/**
 * The other primitives of a BERT-mini training step at its shapes (4096 tokens, hidden 256, FFN 1024, vocabulary
 * 8192), reference vs vector backend: embedding lookup and its scatter-add backward, cross-entropy forward and
 * backward over 1024 rows of logits, LayerNorm backward, GELU (erf and tanh) and swish backward, fused dropout, and AdamW
 * over 1M parameters.
 * Softmax, LayerNorm, GELU and swish forward are in RowOpsBenchmark.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class NnOpsBenchmark {
    @Param({"reference", "vector"})
    public String backend;

    private static final int TOKENS = 4096, HIDDEN = 256, FFN = 1024, VOCAB = 8192, CE_ROWS = 1024, PARAMS = 1 << 20;

    private Backend be;
    private Tensor table, ids, hidden, gHidden, gamma, mean, rstd, ffn, gFfn, logits, lse, targets, one;
    private Tensor param, grad, m, v;

    @Setup
    public void setup() {
        be = Backends.byName(backend);
        Rng rng = new Rng(9);
        table = Tensor.randn(rng, VOCAB, HIDDEN);
        int[] id = new int[TOKENS], t = new int[CE_ROWS];
        for (int i = 0; i < TOKENS; i++) id[i] = rng.nextInt(VOCAB);
        for (int i = 0; i < CE_ROWS; i++) t[i] = rng.nextInt(VOCAB);
        ids = Tensor.ofInts(id, TOKENS);
        targets = Tensor.ofInts(t, CE_ROWS);
        hidden = Tensor.randn(rng, TOKENS, HIDDEN);
        gHidden = Tensor.randn(rng, TOKENS, HIDDEN);
        gamma = Tensor.randn(rng, HIDDEN);
        Tensor[] ln = be.layerNorm(hidden, gamma, Tensor.randn(rng, HIDDEN), 1e-12);
        mean = ln[1];
        rstd = ln[2];
        ffn = Tensor.randn(rng, TOKENS, FFN);
        gFfn = Tensor.randn(rng, TOKENS, FFN);
        logits = Tensor.randn(rng, CE_ROWS, VOCAB);
        lse = be.crossEntropy(logits, targets, -100)[1];
        one = Tensor.scalar(1.0);
        param = Tensor.randn(rng, PARAMS);
        grad = Tensor.randn(rng, PARAMS);
        m = Tensor.zeros(PARAMS);
        v = Tensor.zeros(PARAMS);
    }

    @Benchmark
    public Tensor embedding() {
        return be.embedding(table, ids);
    }

    @Benchmark
    public Tensor embeddingBackward() {
        return be.embeddingBackward(gHidden, ids, VOCAB);
    }

    @Benchmark
    public Tensor[] crossEntropy() {
        return be.crossEntropy(logits, targets, -100);
    }

    @Benchmark
    public Tensor crossEntropyBackward() {
        return be.crossEntropyBackward(logits, lse, targets, -100, one);
    }

    @Benchmark
    public Tensor[] layerNormBackward() {
        return be.layerNormBackward(gHidden, hidden, gamma, mean, rstd);
    }

    @Benchmark
    public Tensor geluBackward() {
        return be.binary(Binary.GELU_BACKWARD, ffn, gFfn);
    }

    @Benchmark
    public Tensor geluTanhBackward() {
        return be.activationBackward(Activation.GELU_TANH, Math.sqrt(2 / Math.PI), ffn, gFfn);
    }

    @Benchmark
    public Tensor swishBackward() {
        return be.activationBackward(Activation.SWISH, 1, ffn, gFfn);
    }

    @Benchmark
    public Tensor dropout() {
        return be.dropout(ffn, 0.1, 42);
    }

    @Benchmark
    public Tensor adamw() {
        be.adamw(param, grad, m, v, 1e-4, 0.9, 0.999, 1e-8, 0.01, 0.1, 0.001);
        return param;
    }
}
