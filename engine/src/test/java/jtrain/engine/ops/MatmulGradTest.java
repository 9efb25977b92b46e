package jtrain.engine.ops;

import static jtrain.engine.GradCheck.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

import jtrain.engine.DType;
import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.engine.backend.Backends;
import jtrain.engine.backend.ReferenceBackend;

/** Matrix products: plain 2-D, a linear layer (B,T,C)@(C,N), batched with broadcast batch dims, strided operands. */
class MatmulGradTest {
    @Test
    void emptyInnerOrOuterDimensions() {
        // (3,0)@(0,4) is a (3,4) block of zeros, as in torch; an empty M has empty results and zero gradients.
        Tensor a = Tensor.zeros(3, 0).requiresGrad(true), b = Tensor.zeros(0, 4).requiresGrad(true);
        Tensor c = a.matmul(b);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {3, 4}, c.shape());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[12], c.toFloatArray());
        c.sum().backward();
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {0, 4}, b.grad().shape());
        Tensor e = Tensor.zeros(0, 3).requiresGrad(true), w = Tensor.ones(3, 4).requiresGrad(true);
        e.matmul(w).sum().backward();
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[12], w.grad().toFloatArray());
    }

    @Test
    void plainMatrixProduct() {
        check("(3,4)@(4,5)", in -> in[0].matmul(in[1]), randn(1, 3, 4), randn(2, 4, 5));
        check("(1,4)@(4,1)", in -> in[0].matmul(in[1]), randn(3, 1, 4), randn(4, 4, 1));
    }

    @Test
    void transposedAndSlicedOperands() {
        Tensor at = leaf(randn(5, 4, 3).transpose(0, 1)); // (3,4) column-major
        Tensor bt = leaf(randn(6, 5, 4).transpose(0, 1)); // (4,5) column-major
        check("A^T @ B^T", in -> in[0].matmul(in[1]), at, bt);
        check("sliced columns @ B", in -> in[0].matmul(in[1]), leaf(randn(7, 3, 9).slice(1, 2, 6)), randn(8, 4, 5));
        check("x @ x^T (same input twice)", in -> in[0].matmul(in[0].transpose(0, 1)), randn(9, 3, 4));
    }

    @Test
    void linearLayerFoldsLeadingDims() {
        check("(B,T,C)@(C,N)", in -> in[0].matmul(in[1]), randn(10, 2, 3, 4), randn(11, 4, 5));
        check("permuted (B,T,C)@(C,N)^T", in -> in[0].matmul(in[1].transpose(0, 1)), leaf(randn(12, 3, 2, 4).permute(1, 0, 2)), randn(13, 5, 4));
        check("(B,T,C)@(C,N) + bias", in -> in[0].matmul(in[1]).add(in[2]), randn(14, 2, 3, 4), randn(15, 4, 5), randn(16, 5));
    }

    @Test
    void linearOpWithAndWithoutBias() {
        check("linear (B,T,C) W(N,C) b(N)", in -> Matmul.linear(in[0], in[1], in[2]), randn(40, 2, 3, 4), randn(41, 5, 4), randn(42, 5));
        check("linear without bias", in -> Matmul.linear(in[0], in[1], null), randn(43, 3, 4), randn(44, 5, 4));
        check("linear of a permuted input, transposed weight", in -> Matmul.linear(in[0], in[1], in[2]),
                leaf(randn(45, 3, 2, 4).permute(1, 0, 2)), leaf(randn(46, 4, 5).transpose(0, 1)), randn(47, 5));
        Tensor x = randn(48, 2, 3, 4), w = randn(49, 5, 4), b = randn(50, 5);
        assertArrayEquals(x.matmul(w.transpose(0, 1)).add(b).toFloatArray(), Matmul.linear(x, w, b).toFloatArray(), 1e-5f);
    }

    @Test
    void batchedWithBroadcastBatchDims() {
        check("(2,3,4)@(2,4,5)", in -> in[0].matmul(in[1]), randn(20, 2, 3, 4), randn(21, 2, 4, 5));
        check("(2,1,3,4)@(3,4,5)", in -> in[0].matmul(in[1]), randn(22, 2, 1, 3, 4), randn(23, 3, 4, 5));
        check("(3,4)@(2,4,5)", in -> in[0].matmul(in[1]), randn(24, 3, 4), randn(25, 2, 4, 5));
        check("(2,3,4)@(1,4,5)", in -> in[0].matmul(in[1]), randn(26, 2, 3, 4), randn(27, 1, 4, 5));
        // Attention-style: q @ k^T with k a transposed (B,H,T,D) view.
        check("q @ k^T", in -> in[0].matmul(in[1].transpose(-1, -2)), randn(28, 2, 2, 3, 4), randn(29, 2, 2, 5, 4));
        check("permuted batch", in -> in[0].permute(1, 0, 2, 3).matmul(in[1]), randn(30, 3, 2, 2, 4), randn(31, 2, 3, 4, 2));
        check("expanded batch operand", in -> in[0].expand(3, 2, 4).matmul(in[1]), randn(32, 1, 2, 4), randn(33, 3, 4, 2));
    }

    @Test
    void forwardValues() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = Tensor.of(new float[] {1, 0, 0, 1, 1, 1}, 3, 2);
        assertArrayEquals(new float[] {4, 5, 10, 11}, a.matmul(b).toFloatArray());
        // Batched: each batch entry multiplies by its own matrix; a rank-2 b is shared by every batch entry.
        Tensor batch = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 2, 2);
        Tensor eye = Tensor.of(new float[] {1, 0, 0, 1, 0, 1, 1, 0}, 2, 2, 2);
        assertArrayEquals(new float[] {1, 2, 3, 4, 6, 5, 8, 7}, batch.matmul(eye).toFloatArray());
        Tensor swap = Tensor.of(new float[] {0, 1, 1, 0}, 2, 2);
        assertArrayEquals(new int[] {2, 2, 2}, batch.matmul(swap).shape());
        assertArrayEquals(new float[] {2, 1, 4, 3, 6, 5, 8, 7}, batch.matmul(swap).toFloatArray());
    }

    /** Batched product computed one batch entry at a time with plain 2-D products. */
    private static double[] loopMatmul(Tensor a, Tensor b) {
        int n = a.size(0);
        double[] out = new double[0];
        for (int i = 0; i < n; i++) {
            double[] part = a.slice(0, i, i + 1).squeeze(0).contiguous().matmul(b.slice(0, i, i + 1).squeeze(0).contiguous()).toDoubleArray();
            double[] joined = java.util.Arrays.copyOf(out, out.length + part.length);
            System.arraycopy(part, 0, joined, out.length, part.length);
            out = joined;
        }
        return out;
    }

    @Test
    void batchDimsWithASize1DimAndGappedStridesAreNotMergedWrongly() {
        // (4,1,3,M,K) built as unsqueeze + slice of a (4,6,M,K) tensor: the size-1 dim's stride equals dim 0's,
        // but dims 0 and 2 are not evenly spaced (dim 0 jumps 6 matrices, dim 2 one matrix).
        try (var be = Backends.useCpu(new ReferenceBackend())) {
            Tensor base = Tensor.randn(new Rng(40), 0, 1, DType.F64, 4, 6, 2, 3);
            Tensor a = base.unsqueeze(1).slice(2, 0, 3);
            Tensor b = Tensor.randn(new Rng(41), 0, 1, DType.F64, 4, 1, 3, 3, 2);
            double[] expected = loopMatmul(a.reshape(12, 2, 3), b.reshape(12, 3, 2));
            assertArrayEquals(expected, a.matmul(b).toDoubleArray(), 1e-12);
        }
    }

    @Test
    void gradientsOfAReducedProductReachTheBackendAsRowOrColumnMajor() {
        // sum() hands matmul's backward a stride-0 gradient; the backend contract only promises row- or
        // column-major matrices, so the op must lay such operands out before calling the kernel.
        ReferenceBackend strict = new ReferenceBackend() {
            @Override
            public Tensor matmul(Tensor a, Tensor b) {
                for (Tensor t : new Tensor[] {a, b}) {
                    int r = t.size(1), c = t.size(2), sr = t.stride(1), sc = t.stride(2);
                    boolean rowMajor = (sc == 1 || c == 1) && (sr >= c || r == 1);
                    boolean colMajor = (sr == 1 || r == 1) && (sc >= r || c == 1);
                    assertTrue(rowMajor || colMajor, "matmul kernel got strides " + java.util.Arrays.toString(t.strides())
                            + " for shape " + java.util.Arrays.toString(t.shape()));
                }
                return super.matmul(a, b);
            }
        };
        try (var be = Backends.useCpu(strict)) {
            Tensor x = Tensor.randn(new Rng(42), 0, 1, DType.F32, 2, 3, 4).requiresGrad(true);
            Tensor w = Tensor.randn(new Rng(43), 0, 1, DType.F32, 4, 5).requiresGrad(true);
            x.matmul(w).sum().backward();
            Tensor y = Tensor.randn(new Rng(44), 0, 1, DType.F32, 2, 4, 5).requiresGrad(true);
            x.matmul(y).sum().backward();
            assertArrayEquals(new int[] {4, 5}, w.grad().shape());
            // Every entry of dL/dw is the sum of x's column: the copy must not change the numbers.
            double[] colSums = Reductions.sum(x, new int[] {0, 1}, false).toDoubleArray();
            for (int i = 0; i < 4; i++) for (int j = 0; j < 5; j++) assertEquals(colSums[i], w.grad().get(i, j), 1e-5);
        }
    }

    @Test
    void headViewsAreCopiedOnceForwardAndNotAgainInBackward() {
        // Attention's (B, H, T, D) head views of (B, T, C) tensors have batch dimensions that do not merge into one
        // stride, so the forward product copies them. The backward products reuse those copies, and the incoming
        // gradient (a head view too) is laid out once for both of its products.
        int[] copies = new int[1];
        ReferenceBackend counting = new ReferenceBackend() {
            @Override
            public void copy(Tensor src, Tensor dst) {
                copies[0]++;
                super.copy(src, dst);
            }
        };
        int b = 2, t = 3, h = 2, d = 4;
        try (var be = Backends.useCpu(counting)) {
            Tensor q = Tensor.randn(new Rng(60), 0, 1, DType.F32, b, t, h * d).requiresGrad(true);
            Tensor k = Tensor.randn(new Rng(61), 0, 1, DType.F32, b, t, h * d).requiresGrad(true);
            Tensor gOut = Tensor.randn(new Rng(62), 0, 1, DType.F32, b, t, h * d);
            Tensor qh = q.reshape(b, t, h, d).permute(0, 2, 1, 3), kh = k.reshape(b, t, h, d).permute(0, 2, 1, 3);
            Tensor scores = qh.matmul(kh.transpose(-1, -2));                        // (B, H, T, T)
            Tensor ctx = scores.matmul(kh);                                         // (B, H, T, D)
            Tensor out = ctx.permute(0, 2, 1, 3).reshape(b, t, h * d);              // (B, T, C): one more copy
            assertEquals(4, copies[0], "forward: q, k^T and k laid out for the products, then the merged heads");
            copies[0] = 0;
            out.mul(gOut).sum().backward();
            // The gradient of the merged heads is laid out once for ctx's two products; q's and k's head gradients
            // (k's summed over its two uses first) are merged back into (B, T, C) by reshape, one copy each.
            assertEquals(1 + 2, copies[0], "backward copies");

            // Same gradients as products of explicitly contiguous operands.
            Tensor q2 = q.detach().requiresGrad(true), k2 = k.detach().requiresGrad(true);
            Tensor qc = q2.reshape(b, t, h, d).permute(0, 2, 1, 3).contiguous(), kc = k2.reshape(b, t, h, d).permute(0, 2, 1, 3).contiguous();
            Tensor out2 = qc.matmul(kc.transpose(-1, -2)).matmul(kc).permute(0, 2, 1, 3).contiguous().reshape(b, t, h * d);
            out2.mul(gOut).sum().backward();
            assertArrayEquals(q2.grad().toFloatArray(), q.grad().toFloatArray(), 1e-5f);
            assertArrayEquals(k2.grad().toFloatArray(), k.grad().toFloatArray(), 1e-5f);
        }
    }
}
