package jtrain.engine.ops;

import static jtrain.engine.GradCheck.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

import jtrain.engine.Tensor;

/** sum / mean / max over one or several dimensions, with and without keepDim, and their forward values. */
class ReductionGradTest {
    @Test
    void sumAndMeanGradients() {
        Tensor x = randn(1, 2, 3, 4);
        check("sum all", in -> in[0].sum(), x);
        check("mean all", in -> in[0].mean(), x);
        check("sum dim 1", in -> in[0].sum(1, false), x);
        check("sum dim -1 keepDim", in -> in[0].sum(-1, true), x);
        check("mean dim 0 keepDim", in -> in[0].mean(0, true), x);
        check("sum dims {0,2}", in -> Reductions.sum(in[0], new int[] {0, 2}, false), x);
        check("sum dims {0,2} keepDim", in -> Reductions.sum(in[0], new int[] {0, 2}, true), x);
        check("mean dims {1,2}", in -> Reductions.mean(in[0], new int[] {1, 2}, false), x);
        check("mean dims {2,0} keepDim", in -> Reductions.mean(in[0], new int[] {2, 0}, true), x);
    }

    @Test
    void reductionsOfNonContiguousInputs() {
        Tensor permuted = leaf(randn(2, 2, 3, 4).permute(1, 2, 0)); // (3,4,2)
        check("sum of permuted over {0,2}", in -> Reductions.sum(in[0], new int[] {0, 2}, true), permuted);
        check("mean of sliced over 1", in -> in[0].mean(1, false), leaf(randn(3, 4, 7).slice(1, 1, 5)));
        check("max of transposed over 0", in -> in[0].max(0, false), leaf(randn(4, 5, 3).transpose(0, 1)));
    }

    @Test
    void maxGradientsWithoutTies() {
        // Gaussian samples have no ties, so the maximum is differentiable there.
        Tensor x = randn(5, 3, 4, 5);
        check("max dim -1", in -> in[0].max(-1, false), x);
        check("max dim 1 keepDim", in -> in[0].max(1, true), x);
        check("max dims {0,2}", in -> Reductions.max(in[0], new int[] {0, 2}, false), x);
        check("max all", in -> Reductions.max(in[0], null, false), x);
    }

    @Test
    void maxSharesTheGradientEquallyAmongTies() {
        Tensor x = Tensor.of(new float[] {1, 3, 3, 2}, 4).requiresGrad(true);
        Tensor m = x.max(0, false);
        assertEquals(3, m.item());
        m.backward();
        assertArrayEquals(new float[] {0, 0.5f, 0.5f, 0}, x.grad().toFloatArray());
    }

    @Test
    void forwardValuesAndShapes() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertEquals(21, x.sum().item());
        assertEquals(3.5, x.mean().item(), 1e-6);
        assertArrayEquals(new float[] {5, 7, 9}, x.sum(0, false).toFloatArray());
        assertArrayEquals(new int[] {3}, x.sum(0, false).shape());
        assertArrayEquals(new int[] {1, 3}, x.sum(0, true).shape());
        assertArrayEquals(new float[] {2, 5}, x.mean(1, false).toFloatArray());
        assertArrayEquals(new int[] {2, 1}, x.mean(-1, true).shape());
        assertArrayEquals(new float[] {3, 6}, x.max(1, false).toFloatArray());
        assertArrayEquals(new float[] {4, 5, 6}, x.max(0, false).toFloatArray());
        assertArrayEquals(new int[0], x.sum().shape(), "reducing everything gives a rank-0 tensor");
        Tensor y = Tensor.of(new float[] {-5, -2, -9, -1}, 2, 2);
        assertArrayEquals(new float[] {-2, -1}, y.max(1, false).toFloatArray(), "max of all-negative rows");
        // Several dims at once, negative indices allowed.
        Tensor z = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 2, 2);
        assertArrayEquals(new float[] {1 + 3 + 5 + 7, 2 + 4 + 6 + 8}, Reductions.sum(z, new int[] {0, -2}, false).toFloatArray());
        assertArrayEquals(new int[] {1, 1, 2}, Reductions.sum(z, new int[] {0, 1}, true).shape());
    }

    @Test
    void sumToUndoesBroadcasting() {
        Tensor g = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 2, 3, 2);
        assertArrayEquals(new float[] {1 + 3 + 5 + 7 + 9 + 11, 2 + 4 + 6 + 8 + 10 + 12}, Reductions.sumTo(g, new int[] {2}).toFloatArray());
        Tensor s = Reductions.sumTo(g, new int[] {3, 1});
        assertArrayEquals(new int[] {3, 1}, s.shape());
        assertArrayEquals(new float[] {1 + 2 + 7 + 8, 3 + 4 + 9 + 10, 5 + 6 + 11 + 12}, s.toFloatArray());
        assertSame(g, Reductions.sumTo(g, new int[] {2, 3, 2}));
    }
}
