package jtrain.engine.ops;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

import jtrain.engine.DType;
import jtrain.engine.Rng;
import jtrain.engine.Tensor;

/** Forward values of the neural-network ops on small hand-computed examples, and their documented semantics. */
class NnSemanticsTest {
    private static final double LN2 = Math.log(2), LN3 = Math.log(3);

    @Test
    void softmaxValuesAndRowsSumToOne() {
        Tensor x = Tensor.of(new float[] {0, (float) LN2, 0, 0}, 2, 2);
        assertArrayEquals(new float[] {1 / 3f, 2 / 3f, 0.5f, 0.5f}, Nn.softmax(x).toFloatArray(), 1e-6f);
        Tensor r = Nn.softmax(Tensor.randn(new Rng(1), 0, 3, DType.F32, 4, 7));
        float[] sums = r.sum(-1, false).toFloatArray();
        for (float s : sums) assertEquals(1, s, 1e-5);
        // Stable for large logits: shifting every logit of a row changes nothing.
        Tensor big = Tensor.of(new float[] {1000, 1001}, 1, 2);
        float e = (float) Math.E;
        assertArrayEquals(new float[] {1 / (1 + e), e / (1 + e)}, Nn.softmax(big).toFloatArray(), 1e-6f);
        // Softmax is over the last dim of a non-contiguous view.
        Tensor t = Tensor.of(new float[] {0, 0, (float) LN3, 0}, 2, 2).transpose(0, 1); // rows [0, ln3], [0, 0]
        assertArrayEquals(new float[] {0.25f, 0.75f, 0.5f, 0.5f}, Nn.softmax(t).toFloatArray(), 1e-6f);
    }

    @Test
    void logSoftmaxIsLogOfSoftmax() {
        Tensor x = Tensor.of(new float[] {0, (float) LN2, 0, 0}, 2, 2);
        assertArrayEquals(new float[] {(float) -Math.log(3), (float) Math.log(2 / 3.0), (float) -LN2, (float) -LN2},
                Nn.logSoftmax(x).toFloatArray(), 1e-6f);
        Tensor big = Tensor.of(new float[] {-1000, 0}, 1, 2);
        float[] ls = Nn.logSoftmax(big).toFloatArray();
        assertEquals(-1000, ls[0], 1e-3);
        assertEquals(0, ls[1], 1e-6, "no overflow or log(0) for extreme logits");
    }

    @Test
    void layerNormNormalisesEachRowThenAppliesGammaAndBeta() {
        Tensor x = Tensor.randn(new Rng(2), 3, 5, DType.F64, 4, 8);
        Tensor ones = Tensor.full(1, DType.F64, x.device(), 8), zeros = Tensor.zeros(DType.F64, x.device(), 8);
        Tensor y = Nn.layerNorm(x, ones, zeros, 1e-12);
        double[] mean = y.mean(-1, false).toDoubleArray();
        double[] var = y.mul(y).mean(-1, false).toDoubleArray(); // biased variance, as torch's layer_norm
        for (int r = 0; r < 4; r++) {
            assertEquals(0, mean[r], 1e-12);
            assertEquals(1, var[r], 1e-9);
        }
        // Hand-computed: row [1, 3] has mean 2, std 1, so xhat = [-1, 1]; gamma [2, 3], beta [10, 20].
        Tensor small = Tensor.of(new float[] {1, 3}, 1, 2);
        Tensor out = Nn.layerNorm(small, Tensor.of(new float[] {2, 3}), Tensor.of(new float[] {10, 20}), 0);
        assertArrayEquals(new float[] {8, 23}, out.toFloatArray(), 1e-6f);
    }

    @Test
    void dropoutKeepsAboutOneMinusPAndScalesByItsInverse() {
        int n = 200_000;
        Tensor x = Tensor.ones(n);
        double p = 0.3;
        float[] y = Nn.dropout(x, p, 42, true).toFloatArray();
        int kept = 0;
        for (float v : y) {
            if (v != 0) {
                kept++;
                assertEquals(1 / (1 - p), v, 1e-6);
            }
        }
        assertEquals(1 - p, kept / (double) n, 0.005); // about 5 standard deviations
    }

    @Test
    void dropoutIsReproducibleForASeedAndOffOutsideTraining() {
        Tensor x = Tensor.ones(1000);
        assertArrayEquals(Nn.dropout(x, 0.5, 7, true).toFloatArray(), Nn.dropout(x, 0.5, 7, true).toFloatArray());
        assertFalse(java.util.Arrays.equals(Nn.dropout(x, 0.5, 7, true).toFloatArray(), Nn.dropout(x, 0.5, 8, true).toFloatArray()));
        assertSame(x, Nn.dropout(x, 0.5, 7, false), "eval mode is the identity");
        assertSame(x, Nn.dropout(x, 0, 7, true), "p = 0 is the identity");
        assertThrows(IllegalArgumentException.class, () -> Nn.dropout(x, 1, 7, true));
        assertThrows(IllegalArgumentException.class, () -> Nn.dropout(x, -0.1, 7, true));
    }

    @Test
    void embeddingPicksRows() {
        Tensor w = Tensor.of(new float[] {0, 1, 10, 11, 20, 21}, 3, 2);
        Tensor out = Nn.embedding(w, Tensor.ofInts(new int[] {2, 0, 2, 1}, 2, 2));
        assertArrayEquals(new int[] {2, 2, 2}, out.shape());
        assertArrayEquals(new float[] {20, 21, 0, 1, 20, 21, 10, 11}, out.toFloatArray());
        // Non-contiguous ids are read in their logical order.
        Tensor ids = Tensor.ofInts(new int[] {0, 1, 2, 0}, 2, 2).transpose(0, 1); // [[0,2],[1,0]]
        assertArrayEquals(new float[] {0, 1, 20, 21, 10, 11, 0, 1}, Nn.embedding(w, ids).toFloatArray());
    }

    @Test
    void crossEntropyIsTheMeanOverRowsThatAreNotIgnored() {
        // Row 0: logits [0, 0], target 0: ln 2. Row 1: logits [ln 3, 0], target 1: ln(3 + 1) - 0 = 2 ln 2.
        Tensor logits = Tensor.of(new float[] {0, 0, (float) LN3, 0}, 2, 2);
        assertEquals(1.5 * LN2, Nn.crossEntropy(logits, Tensor.ofInts(new int[] {0, 1}), -100).item(), 1e-6);
        assertEquals(LN2, Nn.crossEntropy(logits, Tensor.ofInts(new int[] {0, -100}), -100).item(), 1e-6,
                "ignored rows count in neither the sum nor the mean's denominator");
        assertEquals(2 * LN2, Nn.crossEntropy(logits, Tensor.ofInts(new int[] {-1, 1}), -1).item(), 1e-6,
                "any ignore index works");
        Tensor all = Nn.crossEntropy(logits, Tensor.ofInts(new int[] {-100, -100}), -100);
        assertEquals(0, all.item(), "every row ignored: 0, not NaN");
        assertArrayEquals(new int[0], all.shape(), "the loss is a scalar");
        // Gradient: (softmax - onehot) / (rows counted).
        Tensor l = logits.detach().requiresGrad(true);
        Nn.crossEntropy(l, Tensor.ofInts(new int[] {0, -100}), -100).backward();
        assertArrayEquals(new float[] {-0.5f, 0.5f, 0, 0}, l.grad().toFloatArray(), 1e-6f);
    }

    @Test
    void whereAndMaskedFillSelectElementwise() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2), b = Tensor.of(new float[] {-1, -2}, 2);
        Tensor cond = Tensor.ofInts(new int[] {1, 0}, 2, 1);
        assertArrayEquals(new float[] {1, 2, -1, -2}, Nn.where(cond, a, b).toFloatArray());
        Tensor fcond = Tensor.of(new float[] {0, 0.5f, 0, 1}, 2, 2);
        assertArrayEquals(new float[] {-1, 2, -1, 4}, Nn.where(fcond, a, b).toFloatArray(), "any non-zero is true");
        Tensor causal = Tensor.ofInts(new int[] {0, 1, 0, 0}, 2, 2);
        assertArrayEquals(new float[] {1, Float.NEGATIVE_INFINITY, 3, 4},
                Nn.maskedFill(a, causal, Double.NEGATIVE_INFINITY).toFloatArray());
        assertArrayEquals(new float[] {9, 9, 3, 4}, Nn.maskedFill(a, Tensor.ofInts(new int[] {1, 0}, 2, 1), 9).toFloatArray());
    }
}
