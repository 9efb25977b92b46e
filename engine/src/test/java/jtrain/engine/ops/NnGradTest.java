package jtrain.engine.ops;

import static jtrain.engine.GradCheck.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

import jtrain.engine.DType;
import jtrain.engine.Rng;
import jtrain.engine.Tensor;

/** Gradients of the fused neural-network ops against finite differences. */
class NnGradTest {
    @Test
    void softmaxAndLogSoftmax() {
        Tensor x = randn(1, 2, 3, 5);
        check("softmax", in -> Nn.softmax(in[0]), x);
        check("log_softmax", in -> Nn.logSoftmax(in[0]), x);
        Tensor transposed = leaf(randn(2, 5, 4).transpose(0, 1)); // rows are strided
        check("softmax of transposed", in -> Nn.softmax(in[0]), transposed);
        check("log_softmax of transposed", in -> Nn.logSoftmax(in[0]), transposed);
        check("softmax of row-sliced input", in -> Nn.softmax(in[0]), leaf(randn(6, 5, 4).slice(0, 1, 4)));
        check("log_softmax of row-sliced input", in -> Nn.logSoftmax(in[0]), leaf(randn(7, 5, 4).slice(0, 1, 4)));
        check("softmax of large logits", in -> Nn.softmax(in[0].mul(30)), randn(3, 3, 4));
        check("softmax then matmul", in -> Nn.softmax(in[0]).matmul(in[1]), randn(4, 3, 4), randn(5, 4, 2));
    }

    @Test
    void layerNormOfInputWeightAndBias() {
        Tensor x = randn(10, 2, 3, 6), gamma = randn(11, 6), beta = randn(12, 6);
        check("layer_norm", in -> Nn.layerNorm(in[0], in[1], in[2], 1e-5), x, gamma, beta);
        check("layer_norm of permuted input", in -> Nn.layerNorm(in[0], in[1], in[2], 1e-5),
                leaf(randn(13, 6, 3).transpose(0, 1)), gamma, beta);
        check("layer_norm with sliced gamma", in -> Nn.layerNorm(in[0], in[1], in[2], 1e-5),
                randn(14, 4, 6), leaf(randn(15, 2, 6).slice(0, 1, 2).squeeze(0)), beta);
        check("layer_norm output reused", in -> {
            Tensor y = Nn.layerNorm(in[0], in[1], in[2], 1e-5);
            return y.mul(y).add(in[0]);
        }, x, gamma, beta);
    }

    @Test
    void dropoutWithAFixedSeed() {
        check("dropout p=0.4", in -> Nn.dropout(in[0], 0.4, 77, true), randn(20, 4, 8));
        check("dropout of transposed", in -> Nn.dropout(in[0], 0.25, 78, true), leaf(randn(21, 8, 4).transpose(0, 1)));
    }

    @Test
    void dropoutGradientIsTheMask() {
        Tensor x = Tensor.randn(new Rng(22), 0, 1, DType.F32, 1000).requiresGrad(true);
        Tensor y = Nn.dropout(x, 0.5, 123, true);
        y.sum().backward();
        float[] out = y.toFloatArray(), g = x.grad().toFloatArray(), xs = x.toFloatArray();
        for (int i = 0; i < out.length; i++) {
            float mask = out[i] == 0 ? 0 : 2;
            assertEquals(mask, g[i], "gradient element " + i);
            assertEquals(xs[i] * mask, out[i], 1e-6, "output element " + i);
        }
    }

    @Test
    void embeddingScatterAddsRepeatedIds() {
        Tensor ids = Tensor.ofInts(new int[] {1, 3, 1, 0, 3, 3}, 2, 3);
        check("embedding", in -> Nn.embedding(in[0], ids), randn(30, 5, 4));
        check("embedding of transposed weight", in -> Nn.embedding(in[0], ids), leaf(randn(31, 4, 5).transpose(0, 1)));
        check("embedding of row-sliced weight", in -> Nn.embedding(in[0], ids), leaf(randn(33, 7, 4).slice(0, 2, 7)));
        check("embedding of column-sliced weight", in -> Nn.embedding(in[0], ids), leaf(randn(34, 5, 6).slice(1, 1, 5)));
        // Every lookup contributes its gradient row: row 3 is used three times, row 2 and 4 never.
        Tensor w = Tensor.randn(new Rng(32), 0, 1, DType.F32, 5, 2).requiresGrad(true);
        Nn.embedding(w, ids).sum().backward();
        assertArrayEquals(new float[] {1, 1, 2, 2, 0, 0, 3, 3, 0, 0}, w.grad().toFloatArray());
    }

    @Test
    void embeddingPaddingRowGetsNoGradientFromTheLookup() {
        // torch's padding_idx: looking the row up still returns it, but its gradient stays zero.
        Tensor ids = Tensor.ofInts(new int[] {1, 3, 1, 0, 3, 3}, 2, 3);
        Tensor w = Tensor.randn(new Rng(35), 0, 1, DType.F32, 5, 2).requiresGrad(true);
        Tensor out = Nn.embedding(w, ids, 1);
        assertArrayEquals(w.slice(0, 1, 2).toFloatArray(), out.slice(0, 0, 1).slice(1, 0, 1).reshape(2).toFloatArray());
        out.sum().backward();
        assertArrayEquals(new float[] {1, 1, 0, 0, 0, 0, 3, 3, 0, 0}, w.grad().toFloatArray());
        // Another use of the same weight (a tied decoder) still reaches the padding row.
        Tensor w2 = Tensor.randn(new Rng(36), 0, 1, DType.F32, 5, 2).requiresGrad(true);
        Nn.embedding(w2, ids, 1).sum().add(w2.sum()).backward();
        assertArrayEquals(new float[] {2, 2, 1, 1, 1, 1, 4, 4, 1, 1}, w2.grad().toFloatArray());
    }

    @Test
    void crossEntropyWithIgnoredRows() {
        Tensor targets = Tensor.ofInts(new int[] {2, -100, 0, 4, -100});
        check("cross_entropy", in -> Nn.crossEntropy(in[0], targets, -100), randn(40, 5, 5));
        check("cross_entropy of transposed logits", in -> Nn.crossEntropy(in[0], targets, -100), leaf(randn(41, 5, 5).transpose(0, 1)));
        check("cross_entropy, no ignored rows", in -> Nn.crossEntropy(in[0], Tensor.ofInts(new int[] {1, 0, 2}), -1), randn(42, 3, 3));
        // A row slice is contiguous but starts at an offset: the kernels must honour it.
        check("cross_entropy of row-sliced logits", in -> Nn.crossEntropy(in[0], targets, -100), leaf(randn(44, 7, 5).slice(0, 2, 7)));
        check("cross_entropy scaled", in -> Nn.crossEntropy(in[0], targets, -100).mul(3), randn(43, 5, 5));
    }

    @Test
    void crossEntropyWithEveryRowIgnoredHasZeroGradient() {
        Tensor logits = Tensor.randn(new Rng(44), 0, 1, DType.F32, 3, 4).requiresGrad(true);
        Tensor loss = Nn.crossEntropy(logits, Tensor.ofInts(new int[] {-100, -100, -100}), -100);
        assertEquals(0, loss.item());
        loss.backward();
        assertArrayEquals(new float[12], logits.grad().toFloatArray());
    }

    @Test
    void whereAndMaskedFill() {
        Tensor cond = Tensor.of(new double[] {1, 0, 0, 1, 1, 0, 1, 0, 1, 0, 0, 1}, 3, 4);
        check("where", in -> Nn.where(cond, in[0], in[1]), randn(50, 3, 4), randn(51, 3, 4));
        Tensor rowCond = Tensor.ofInts(new int[] {1, 0, 1}, 3, 1);
        check("where broadcast (3,1) ? (3,4) : (4)", in -> Nn.where(rowCond, in[0], in[1]), randn(52, 3, 4), randn(53, 4));
        check("where of transposed", in -> Nn.where(cond, in[0], in[1]), leaf(randn(54, 4, 3).transpose(0, 1)), randn(55, 1));
        Tensor colMask = Tensor.ofInts(new int[] {0, 1, 0, 1}, 1, 4);
        check("masked_fill", in -> Nn.maskedFill(in[0], colMask, -1e4), randn(56, 3, 4));
        check("masked_fill then softmax", in -> Nn.softmax(Nn.maskedFill(in[0], colMask, Double.NEGATIVE_INFINITY)), randn(57, 3, 4));
    }
}
