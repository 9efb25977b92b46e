package jtrain.training.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jtrain.engine.Flops;
import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.transformer.Activation;
import org.junit.jupiter.api.Test;

/**
 * The FLOPs ./trainer bench reports per step are the matrix products of a BERT MLM step, counted 2*M*N*K each, and
 * they match this hand count exactly (docs/performance.md, "What ./trainer bench measures"). With N = B*T tokens,
 * hidden C, FFN I, L layers, vocabulary V and M labelled positions:
 * <ul>
 * <li>per layer, forward: Q, K, V and the output projection 4 * 2NC^2, the FFN 2 * 2NCI, attention's QK^T and PV
 * 2 * 2NTC (per head 2 * T * T * C/heads, over B * heads);
 * <li>the MLM head's dense layer 2NC^2 (on the M gathered rows with --sparse: 2MC^2);
 * <li>backward is twice the forward for every product above (one product for each operand's gradient);
 * <li>the tied decoder: forward 2NCV over every position (full) or 2MCV (sparse); backward 4MCV either way, since
 * the fused linear_cross_entropy back-propagates through the labelled rows only (the others' gradient is zero).
 * </ul>
 */
class StepFlopsTest {
    static long expected(TrainStepBench.Options o, long labelled) {
        long n = (long) o.batch() * o.seq(), c = o.hidden(), i = o.intermediate(), t = o.seq(), v = o.vocab(), m = labelled;
        long layer = 8 * n * c * c + 4 * n * c * i + 4 * n * t * c;
        long headRows = o.sparse() ? m : n;
        long decoderForward = 2 * (o.sparse() ? m : n) * c * v;
        return 3 * (o.layers() * layer + 2 * headRows * c * c) + decoderForward + 4 * m * c * v;
    }

    static TrainStepBench.Options options(int layers, int hidden, int heads, int inter, int vocab, int batch, int seq, boolean sparse, boolean recompute) {
        return new TrainStepBench.Options(layers, hidden, heads, inter, Activation.GELU, vocab, batch, seq, 0, 1, sparse, false, recompute);
    }

    static long labelled(Tensor labels) {
        return java.util.Arrays.stream(labels.toIntArray()).filter(l -> l != -100).count();
    }

    static long counted(TrainStepBench.Options o) {
        TrainStepBench.Session s = new TrainStepBench.Session(o);
        long before = Flops.total();
        s.step();
        return Flops.total() - before;
    }

    @Test
    void aStepCountsExactlyTheHandFormulaWithFullAndSparseLogits() {
        for (boolean sparse : new boolean[] {false, true}) {
            // Odd sizes so that no two terms of the formula can stand in for each other; T != C.
            TrainStepBench.Options o = options(2, 24, 3, 40, 37, 3, 11, sparse, false);
            long m = labelled(new TrainStepBench.Session(o).batch[1]);
            assertEquals(expected(o, m), counted(o), (sparse ? "sparse" : "full") + " with " + m + " labelled positions");
        }
    }

    @Test
    void recomputationIsNotCounted() {
        TrainStepBench.Options o = options(2, 24, 3, 40, 37, 3, 11, false, true);
        assertEquals(expected(o, labelled(new TrainStepBench.Session(o).batch[1])), counted(o));
    }

    @Test
    void bertTinyShapesOnAShortBatch() {
        TrainStepBench.Options o = options(2, 128, 2, 512, 8192, 2, 128, false, false);
        assertEquals(expected(o, labelled(new TrainStepBench.Session(o).batch[1])), counted(o));
    }

    /** The per-step figures docs/performance.md quotes for vocabulary 8192, batch 32 x 128 (computed, not run). */
    @Test
    void theDocumentedPerStepFigures() {
        assertEquals(22.8, gflop(options(2, 128, 2, 512, 8192, 32, 128, false, false)), 0.05, "tiny");
        assertEquals(107.7, gflop(options(4, 256, 4, 1024, 8192, 32, 128, false, false)), 0.05, "mini");
        assertEquals(2226.8, gflop(options(12, 768, 12, 3072, 8192, 32, 128, false, false)), 0.05, "base");
    }

    private static double gflop(TrainStepBench.Options o) {
        return expected(o, labelled(TrainStepBench.batch(o, new Rng(2))[1])) / 1e9;
    }
}
