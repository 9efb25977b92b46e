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
import jtrain.engine.backend.Backend.Binary;
import jtrain.engine.backend.Backend.Reduce;
import jtrain.engine.backend.Backends;
import jtrain.engine.backend.Parallel;

/**
 * The memory-bound passes of a BERT-mini training step (batch 32 x 128 tokens, hidden 256, 4 heads of 64, FFN 1024),
 * next to plain array copies that show what streaming memory allows. Each one's bytes moved (read + written) are in
 * its comment, so GB/s = bytes / time; the backend primitives allocate their output, as the model's calls do.
 * Every call takes the next of several inputs (and outputs) that together exceed 64 MB, so that, as in a training
 * step, operands come from memory rather than from a cache that one 4 MB tensor would fit in.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class SmallPassesBenchmark {
    @Param({"vector"})
    public String backend;

    private static final int B = 32, T = 128, HEADS = 4, HEAD_DIM = 64, C = HEADS * HEAD_DIM, FFN = 1024, TOKENS = B * T;
    private static final boolean[] ROWS = {true, false};

    /** Bytes of inputs cycled through: well above the last-level cache. */
    private static final long RING_BYTES = 64L << 20;

    private Backend be;
    private float[] src64, dst64;
    private Tensor src;
    private Tensor[] hidden, hidden2, ffn, dst, headsView, ctxView, probs, gProbs;
    private int next;

    @Setup
    public void setup() {
        be = Backends.byName(backend);
        Rng rng = new Rng(11);
        src64 = new float[(int) (RING_BYTES / 4)];
        for (int i = 0; i < src64.length; i++) src64[i] = i;
        dst64 = new float[src64.length];
        src = Tensor.of(src64, src64.length);
        int k = ringSize(TOKENS * C);
        hidden = new Tensor[k];
        hidden2 = new Tensor[k];
        dst = new Tensor[k];
        headsView = new Tensor[k];
        ctxView = new Tensor[k];
        for (int i = 0; i < k; i++) {
            hidden[i] = Tensor.randn(rng, TOKENS, C);
            hidden2[i] = Tensor.randn(rng, TOKENS, C);
            dst[i] = Tensor.zeros(B, HEADS, T, HEAD_DIM);
            // q, k, v split into heads: (B, T, H, D) seen as (B, H, T, D); the context merged back: (B, H, T, D) as (B, T, H, D).
            headsView[i] = hidden[i].reshape(B, T, HEADS, HEAD_DIM).permute(0, 2, 1, 3);
            ctxView[i] = Tensor.randn(rng, B, HEADS, T, HEAD_DIM).permute(0, 2, 1, 3);
        }
        ffn = new Tensor[ringSize(TOKENS * FFN)];
        for (int i = 0; i < ffn.length; i++) ffn[i] = Tensor.randn(rng, TOKENS, FFN);
        int kp = ringSize(B * HEADS * T * T);
        probs = new Tensor[kp];
        gProbs = new Tensor[kp];
        for (int i = 0; i < kp; i++) {
            probs[i] = be.softmax(Tensor.randn(rng, B, HEADS, T, T));
            gProbs[i] = Tensor.randn(rng, B, HEADS, T, T);
        }
    }

    private static int ringSize(int floatsEach) {
        return (int) Math.max(2, RING_BYTES / (4L * floatsEach));
    }

    /** The index of the next input in a ring of n. */
    private int next(int n) {
        next = (next + 1) & Integer.MAX_VALUE;
        return next % n;
    }

    /** Streaming reference, one thread: 64 MB read + 64 MB written. */
    @Benchmark
    public float[] arraycopy64MB() {
        System.arraycopy(src64, 0, dst64, 0, src64.length);
        return dst64;
    }

    /** Streaming reference, the backend's threads each copying a part: 64 MB read + 64 MB written. */
    @Benchmark
    public float[] arraycopy64MBThreads() {
        int n = src64.length;
        Parallel.forRange(Parallel.THREADS, 1, (from, to) -> {
            for (int p = from; p < to; p++) {
                int lo = (int) ((long) n * p / Parallel.THREADS), hi = (int) ((long) n * (p + 1) / Parallel.THREADS);
                System.arraycopy(src64, lo, dst64, lo, hi - lo);
            }
        });
        return dst64;
    }

    /** Streaming reference, the backend's threads summing a part each: 64 MB read. */
    @Benchmark
    public double sum64MBThreads() {
        return be.sumOfSquares(src).item();
    }

    /** A contiguous copy into an existing tensor: 4 MB + 4 MB. */
    @Benchmark
    public Tensor copyContiguous() {
        int i = next(hidden.length);
        be.copy(hidden[i], dst[i].reshape(TOKENS, C));
        return dst[i];
    }

    /** q, k or v (B, T, C) split into heads and made contiguous for the batched product: 4 MB + 4 MB. */
    @Benchmark
    public Tensor copySplitHeads() {
        int i = next(headsView.length);
        be.copy(headsView[i], dst[i]);
        return dst[i];
    }

    /** The attention context (B, H, T, D) merged back to (B, T, H, D): 4 MB + 4 MB. */
    @Benchmark
    public Tensor copyMergeHeads() {
        int i = next(ctxView.length);
        Tensor out = dst[i].reshape(B, T, HEADS, HEAD_DIM);
        be.copy(ctxView[i], out);
        return out;
    }

    /** A linear layer's bias gradient, column sums of (4096, 256): 4 MB read. */
    @Benchmark
    public Tensor columnSum256() {
        return be.reduce(Reduce.SUM, hidden[next(hidden.length)], ROWS);
    }

    /** The FFN up-projection's bias gradient, column sums of (4096, 1024): 16 MB read. */
    @Benchmark
    public Tensor columnSum1024() {
        return be.reduce(Reduce.SUM, ffn[next(ffn.length)], ROWS);
    }

    /** Row sums of (4096, 1024), for comparison with the column sums: 16 MB read. */
    @Benchmark
    public Tensor rowSum1024() {
        return be.reduce(Reduce.SUM, ffn[next(ffn.length)], new boolean[] {false, true});
    }

    /** Gradient accumulation (a new tensor): 4 MB + 4 MB read, 4 MB written. */
    @Benchmark
    public Tensor add() {
        int i = next(hidden.length);
        return be.binary(Binary.ADD, hidden[i], hidden2[i]);
    }

    /** Gradient accumulation into an existing buffer (no allocation): 4 MB + 4 MB read, 4 MB written. */
    @Benchmark
    public Tensor addInPlace() {
        int i = next(hidden.length);
        be.addInPlace(hidden2[i], hidden[i]);
        return hidden2[i];
    }

    /** Dropout (backward: the same fused kernel on the gradient) of the attention probabilities: 8 MB + 8 MB. */
    @Benchmark
    public Tensor dropoutProbs() {
        return be.dropout(gProbs[next(gProbs.length)], 0.1, 42);
    }

    /** Dropout of a hidden state (4096, 256): 4 MB + 4 MB. */
    @Benchmark
    public Tensor dropoutHidden() {
        return be.dropout(hidden[next(hidden.length)], 0.1, 42);
    }

    /** Softmax backward over the attention probabilities (B, H, T, T): 16 MB read, 8 MB written. */
    @Benchmark
    public Tensor softmaxBackward() {
        int i = next(probs.length);
        return be.softmaxBackward(probs[i], gProbs[i]);
    }
}
