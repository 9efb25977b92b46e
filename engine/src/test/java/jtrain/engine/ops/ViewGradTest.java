package jtrain.engine.ops;

import static jtrain.engine.GradCheck.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

import jtrain.engine.DType;
import jtrain.engine.Device;
import jtrain.engine.Rng;
import jtrain.engine.Tensor;

/** Shape ops: which results are views sharing storage, their values, and their gradients. */
class ViewGradTest {
    @Test
    void viewGradients() {
        Tensor x = randn(1, 2, 3, 4);
        check("reshape", in -> in[0].reshape(4, 6), x);
        check("reshape with -1", in -> in[0].reshape(-1, 2), x);
        check("permute", in -> in[0].permute(2, 0, 1), x);
        check("transpose", in -> in[0].transpose(0, 2), x);
        check("slice middle", in -> in[0].slice(1, 1, 3), x);
        check("slice last dim", in -> in[0].slice(-1, 2, 4), x);
        check("expand", in -> in[0].expand(2, 5, 4), randn(2, 2, 1, 4));
        check("expand new leading dims", in -> in[0].expand(3, 2, 4), randn(3, 4));
        check("unsqueeze/squeeze", in -> in[0].unsqueeze(1).mul(in[0].unsqueeze(0)).squeeze(-1 + 3), randn(4, 3, 1));
        check("contiguous of transposed", in -> in[0].transpose(0, 1).contiguous(), x);
    }

    @Test
    void reshapeOfNonContiguousCopiesAndStillDifferentiates() {
        check("reshape of transpose", in -> in[0].transpose(0, 1).reshape(12), randn(5, 3, 4));
        check("reshape of transposed leaf", in -> in[0].reshape(2, 6), leaf(randn(6, 4, 3).transpose(0, 1)));
        check("reshape of permuted slice", in -> in[0].permute(1, 0, 2).slice(0, 1, 3).reshape(-1), randn(7, 2, 4, 3));
        check("chained views", in -> in[0].slice(0, 1, 3).transpose(0, 1).reshape(3, 2, 2).permute(2, 1, 0).expand(2, 2, 2, 3), randn(8, 4, 6));
    }

    @Test
    void concatAndSplit() {
        check("concat dim 0", in -> Views.concat(0, in[0], in[1]), randn(10, 2, 3), randn(11, 4, 3));
        check("concat dim -1 of views", in -> Views.concat(-1, in[0].transpose(0, 1), in[1], in[0].transpose(0, 1)),
                randn(12, 3, 2), randn(13, 2, 1));
        check("split", in -> {
            Tensor[] parts = Views.split(in[0], 1, 1, 3, 2);
            return parts[0].mul(parts[2].slice(1, 0, 1)).add(parts[1].sum(1, true));
        }, randn(14, 3, 6));
        check("split then concat reversed", in -> {
            Tensor[] p = Views.split(in[0], 0, 2, 1);
            return Views.concat(0, p[1], p[0]);
        }, randn(15, 3, 2));
    }

    @Test
    void noOpViewsLeaveALeafALeaf() {
        // expand/reshape/permute/slice to the tensor's own shape must not turn the leaf into its own graph node.
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Tensor w = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        x.expand(2, 3).mul(w).sum().backward();
        assertTrue(x.isLeaf());
        assertArrayEquals(w.toDoubleArray(), x.grad().toDoubleArray());
        x.zeroGrad();
        x.reshape(2, 3).permute(0, 1).slice(0, 0, 2).contiguous().mul(w).sum().backward();
        assertTrue(x.isLeaf());
        assertArrayEquals(w.toDoubleArray(), x.grad().toDoubleArray());
    }

    @Test
    void concatKeepsItsOwnListOfInputs() {
        // Reusing the caller's array after concat (e.g. a buffer of per-head outputs) must not redirect gradients.
        Tensor a = Tensor.of(new double[] {1, 2}).requiresGrad(true), b = Tensor.of(new double[] {3}, 1).requiresGrad(true);
        Tensor other = Tensor.of(new double[] {9, 9, 9}).requiresGrad(true);
        Tensor[] parts = {a, b};
        Tensor c = Views.concat(0, parts);
        parts[0] = other;
        c.mul(Tensor.of(new double[] {1, 2, 3})).sum().backward();
        assertArrayEquals(new double[] {1, 2}, a.grad().toDoubleArray());
        assertArrayEquals(new double[] {3}, b.grad().toDoubleArray());
        assertNull(other.grad());
    }

    @Test
    void castBackwardHasTheSourceShapeAndDtype() {
        // F64 -> F32 -> F64 loses precision, so it is not finite-differenced; the gradient must come back as F64.
        Tensor x = randn(20, 2, 3);
        Tensor y = x.to(DType.F32);
        assertEquals(DType.F32, y.dtype());
        Tensor back = y.to(DType.F64);
        back.mul(Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3)).sum().backward();
        assertEquals(DType.F64, x.grad().dtype());
        assertArrayEquals(new int[] {2, 3}, x.grad().shape());
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, x.grad().toDoubleArray());
        assertSame(x, x.to(DType.F64), "a cast to the same dtype is the tensor itself");
        assertSame(x, x.to(Device.CPU), "a move to the same device is the tensor itself");
        Tensor ints = Tensor.of(new float[] {1.7f, -2.7f}).to(DType.I32);
        assertArrayEquals(new int[] {1, -2}, ints.toIntArray(), "float to int truncates toward zero");
        assertFalse(ints.requiresGrad());
    }

    @Test
    void slicePermuteTransposeExpandAreViews() {
        Tensor x = Tensor.of(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 3, 4);
        Tensor s = x.slice(1, 1, 3);
        assertSame(x.storage(), s.storage());
        assertEquals(1, s.offset());
        assertArrayEquals(new float[] {1, 2, 5, 6, 9, 10}, s.toFloatArray());
        Tensor t = x.transpose(0, 1);
        assertSame(x.storage(), t.storage());
        assertArrayEquals(new int[] {1, 4}, t.strides());
        assertFalse(t.isContiguous());
        assertEquals(9, t.get(1, 2));
        Tensor p = Tensor.zeros(2, 3, 4).permute(2, 0, 1);
        assertArrayEquals(new int[] {4, 2, 3}, p.shape());
        assertArrayEquals(new int[] {1, 12, 4}, p.strides());
        Tensor e = Tensor.of(new float[] {1, 2}, 2, 1).expand(2, 3);
        assertArrayEquals(new int[] {1, 0}, e.strides());
        assertArrayEquals(new float[] {1, 1, 1, 2, 2, 2}, e.toFloatArray());
        assertSame(x.storage(), x.unsqueeze(0).storage());
        assertArrayEquals(new int[] {1, 3, 4}, x.unsqueeze(0).shape());
        assertArrayEquals(new int[] {3, 4}, x.unsqueeze(-1).squeeze(2).shape());
        Tensor[] parts = Views.split(x, 0, 1, 2);
        assertSame(x.storage(), parts[1].storage());
        assertArrayEquals(new float[] {4, 5, 6, 7, 8, 9, 10, 11}, parts[1].toFloatArray());
    }

    @Test
    void reshapeIsAViewWhenPossibleAndACopyOtherwise() {
        Tensor x = Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 2, 3);
        Tensor r = x.reshape(3, 2);
        assertSame(x.storage(), r.storage(), "reshape of contiguous data is a view");
        assertArrayEquals(new int[] {6}, x.reshape(-1).shape());
        Tensor t = x.transpose(0, 1); // (3,2): [[0,3],[1,4],[2,5]]
        Tensor flat = t.reshape(6);
        assertNotSame(x.storage(), flat.storage(), "reshape of a transpose must copy");
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, flat.toFloatArray());
        // A slice along the first dim keeps rows evenly spaced: still a view.
        Tensor rows = Tensor.zeros(4, 3).slice(0, 1, 3).reshape(6);
        assertEquals(3, rows.offset());
        // Splitting a dim of a transposed tensor needs no copy: (3,2)->(3,2,1) and (3,1,2).
        assertSame(x.storage(), t.reshape(3, 1, 2).storage());
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, t.reshape(3, 1, 2).toFloatArray());
        // Merging the sliced columns of a matrix is not possible without a copy.
        Tensor cols = x.slice(1, 0, 2);
        assertNotSame(x.storage(), cols.reshape(4).storage());
        assertArrayEquals(new float[] {0, 1, 3, 4}, cols.reshape(4).toFloatArray());
        // An expanded tensor reshaped: broadcast dims merge with stride 0 only when evenly spaced.
        Tensor e = Tensor.of(new float[] {7}, 1, 1).expand(2, 3);
        assertArrayEquals(new float[] {7, 7, 7, 7, 7, 7}, e.reshape(6).toFloatArray());
        assertArrayEquals(new float[] {7, 7, 7, 7, 7, 7}, e.reshape(3, 2).toFloatArray());
    }

    @Test
    void concatValuesAndContiguousCopy() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2), b = Tensor.of(new float[] {5, 6}, 2, 1);
        Tensor c = Views.concat(1, a, b);
        assertArrayEquals(new int[] {2, 3}, c.shape());
        assertArrayEquals(new float[] {1, 2, 5, 3, 4, 6}, c.toFloatArray());
        assertArrayEquals(new float[] {1, 2, 3, 4, 1, 3, 2, 4}, Views.concat(0, a, a.transpose(0, 1)).toFloatArray());
        Tensor t = a.transpose(0, 1).contiguous();
        assertTrue(t.isContiguous());
        assertArrayEquals(new int[] {2, 1}, t.strides());
        assertArrayEquals(new float[] {1, 3, 2, 4}, t.toFloatArray());
        assertSame(a, a.contiguous(), "contiguous of contiguous is the tensor itself");
    }

    @Test
    void stridesOfAReshapedRandomTensorMatchTheirValues() {
        // reshape of many permuted views agrees with reshaping the contiguous copy.
        Tensor x = Tensor.randn(new Rng(30), 2, 3, 4);
        int[][] perms = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
        int[][] shapes = {{24}, {6, 4}, {2, 12}, {4, 3, 2}, {1, 24, 1}, {2, 3, 2, 2}};
        for (int[] p : perms) {
            Tensor v = x.permute(p);
            for (int[] s : shapes) {
                assertArrayEquals(v.contiguous().reshape(s).toFloatArray(), v.reshape(s).toFloatArray(),
                        java.util.Arrays.toString(p) + " -> " + java.util.Arrays.toString(s));
            }
        }
    }
}
