package jtrain.engine.ops;

import java.util.Arrays;

import jtrain.engine.Autograd;
import jtrain.engine.Flops;
import jtrain.engine.Shapes;
import jtrain.engine.ShapeException;
import jtrain.engine.Tensor;
import jtrain.engine.backend.Backend;

/**
 * Matrix products: (M, K) @ (K, N); (..., M, K) @ (K, N) as one large product (a linear layer); and batched
 * (..., M, K) @ (..., K, N) with broadcasting batch dimensions.
 */
public final class Matmul {
    private Matmul() {}

    public static Tensor matmul(Tensor a, Tensor b) {
        Backend be = Checks.sameDeviceAndDtype("matmul", a, b);
        if (a.rank() < 2 || b.rank() < 2) {
            throw new ShapeException("matmul: both operands need rank >= 2, got " + Shapes.str(a.shape()) + " and " + Shapes.str(b.shape()));
        }
        int k = a.size(-1);
        if (b.size(-2) != k) {
            throw new ShapeException("matmul: inner dimensions differ: " + Shapes.str(a.shape()) + " @ " + Shapes.str(b.shape()));
        }
        if (b.rank() != 2) return batched(be, a, b, k);
        // Fold every leading dimension of a into M: one large product.
        int m = rows(a), n = b.size(1);
        Tensor prod = be.matmul(matrixLayout(Views.reshapeView(a.reshape(m, k), 1, m, k)), matrixLayout(Views.reshapeView(b, 1, k, n)));
        Flops.add(2L * m * k * n);
        int[] os = a.shape();
        os[os.length - 1] = n;
        Tensor out = Views.reshapeView(prod, os);
        return Autograd.record("matmul", out, new Tensor[] {a, b}, g -> new Tensor[] {
                a.requiresGrad() ? matmul(g, b.transpose(0, 1)) : null,
                b.requiresGrad() ? matmul(a.reshape(m, k).transpose(0, 1), g.reshape(m, n)) : null});
    }

    /**
     * (..., M, K) @ (..., K, N) with broadcast batch dimensions, as one backend product over (count, M, K) and
     * (count, K, N) operands. The backward reuses the operands as prepared here: where their batch dimensions did
     * not merge (attention's (B, H, T, D) head views of a (B, T, C) tensor) the copy made for the forward product
     * is kept instead of the view, and the backward products need no second copy; the incoming gradient is
     * prepared once for both of them.
     */
    private static Tensor batched(Backend be, Tensor a, Tensor b, int k) {
        int[] batchA = Arrays.copyOf(a.shape(), a.rank() - 2), batchB = Arrays.copyOf(b.shape(), b.rank() - 2);
        int[] batch = Shapes.broadcast("matmul", batchA, batchB);
        int m = a.size(-2), n = b.size(-1), count = Shapes.numel(batch);
        Tensor a3 = prepare(a, batch, m, k), b3 = prepare(b, batch, k, n);
        Tensor prod = be.matmul(a3, b3);
        Flops.add(2L * count * m * n * k);
        Tensor out = Views.reshapeView(prod, concat(batch, m, n));
        // A copy that expanded a broadcast operand (count / its batch times larger) is not worth keeping alive
        // until backward: the original is kept and prepared again there.
        boolean keepA3 = !expandedCopy(a, a3), keepB3 = !expandedCopy(b, b3);
        Tensor savedA = b.requiresGrad() ? (keepA3 ? a3 : a) : null, savedB = a.requiresGrad() ? (keepB3 ? b3 : b) : null;
        int[] aShape = a.shape(), bShape = b.shape();
        boolean gradA = a.requiresGrad(), gradB = b.requiresGrad();
        return Autograd.record("matmul", out, new Tensor[] {a, b}, g -> {
            Tensor g3 = prepare(g, batch, m, n);
            Tensor ga = null, gb = null;
            if (gradA) {
                Tensor bOp = keepB3 ? savedB : prepare(savedB, batch, k, n);
                ga = Reductions.sumTo(matmul(g3, bOp.transpose(1, 2)).reshape(concat(batch, m, k)), aShape);
            }
            if (gradB) {
                Tensor aOp = keepA3 ? savedA : prepare(savedA, batch, m, k);
                gb = Reductions.sumTo(matmul(aOp.transpose(1, 2), g3).reshape(concat(batch, k, n)), bShape);
            }
            return new Tensor[] {ga, gb};
        });
    }

    /** t (batch'..., r, c), broadcast to (batch..., r, c), as the (count, r, c) operand the backend takes. */
    private static Tensor prepare(Tensor t, int[] batch, int r, int c) {
        return matrixLayout(flattenBatch(Views.broadcastView(t, concat(batch, r, c)), Shapes.numel(batch), r, c));
    }

    /** Whether preparing t made a copy with more elements than t has (a broadcast batch written out). */
    private static boolean expandedCopy(Tensor t, Tensor prepared) {
        return prepared.storage() != t.storage() && prepared.numel() > t.numel();
    }

    /**
     * A linear layer, x (..., in) times weight (out, in) transposed plus bias (out, may be null), as torch's
     * F.linear: one product whose accumulators start from the bias, so no separate sum is materialised. The
     * backward saves only x and weight: gx = g W, gW = g^T x (transposed views, no copies), gbias = column sums of g.
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        Backend be = bias == null ? Checks.sameDeviceAndDtype("linear", x, weight) : Checks.sameDeviceAndDtype("linear", x, weight, bias);
        int in = x.size(-1), out = weight.size(0);
        if (weight.rank() != 2 || weight.size(1) != in || (bias != null && (bias.rank() != 1 || bias.size(0) != out))) {
            throw new ShapeException("linear: input " + Shapes.str(x.shape()) + " needs weight [" + "out, " + in + "] and bias [out], got "
                    + Shapes.str(weight.shape()) + (bias == null ? "" : " and " + Shapes.str(bias.shape())));
        }
        int m = rows(x);
        Tensor x2 = matrixLayout(Views.reshapeView(x.detach().reshape(m, in), 1, m, in));
        Tensor wt = Views.strided(weight.detach(), new int[] {1, in, out}, new int[] {0, weight.stride(1), weight.stride(0)}, weight.offset());
        wt = matrixLayout(wt);
        Tensor prod = bias == null ? be.matmul(x2, wt) : be.matmulBias(x2, wt, bias.contiguous().detach());
        Flops.add(2L * m * in * out);
        int[] os = x.shape();
        os[os.length - 1] = out;
        Tensor y = Views.reshapeView(prod, os);
        int[] xShape = x.shape();
        boolean gradX = x.requiresGrad(), gradW = weight.requiresGrad(), gradBias = bias != null && bias.requiresGrad();
        Tensor savedX = gradW ? x2 : null, savedW = gradX ? weight.detach() : null;
        return Autograd.record("linear", y, new Tensor[] {x, weight, bias}, g -> {
            Tensor g2 = g.reshape(m, out);
            return new Tensor[] {
                    gradX ? matmul(g2, savedW).reshape(xShape) : null,
                    gradW ? matmul(g2.transpose(0, 1), Views.reshapeView(savedX, m, in)) : null,
                    gradBias ? Reductions.sum(g2, new int[] {0}, false) : null};
        });
    }

    /** The product of every dimension but the last: the rows of t seen as a matrix (right also when the last is 0). */
    private static int rows(Tensor t) {
        return Shapes.numel(Arrays.copyOf(t.shape(), t.rank() - 1));
    }

    /** (batch..., r, c) to (count, r, c) without copying when the batch dimensions merge, else contiguous. */
    private static Tensor flattenBatch(Tensor t, int count, int r, int c) {
        int[] shape = t.shape(), strides = t.strides();
        int rank = t.rank();
        if (rank == 2) return Views.strided(t, new int[] {1, r, c}, new int[] {0, strides[0], strides[1]}, t.offset());
        // Size-1 batch dims do not matter (their stride is arbitrary); the others merge into one stride when each
        // is evenly spaced over the next (all broadcast, stride 0, also merges).
        boolean merges = true;
        int last = -1;
        for (int d = 0; d < rank - 2; d++) {
            if (shape[d] == 1) continue;
            if (last >= 0 && strides[last] != strides[d] * shape[d]) merges = false;
            last = d;
        }
        int batchStride = last >= 0 ? strides[last] : 0;
        if (merges) return Views.strided(t, new int[] {count, r, c}, new int[] {batchStride, strides[rank - 2], strides[rank - 1]}, t.offset());
        return Views.reshapeView(t.contiguous(), count, r, c);
    }

    /**
     * t (batch, r, c) itself when each matrix is row-major (unit column stride, row stride at least c) or
     * column-major, as the backend contract requires; otherwise (e.g. a stride-0 gradient from sum()) a copy.
     */
    private static Tensor matrixLayout(Tensor t) {
        int r = t.size(1), c = t.size(2), sr = t.stride(1), sc = t.stride(2);
        boolean rowMajor = (sc == 1 || c == 1) && (sr >= c || r == 1);
        boolean colMajor = (sr == 1 || r == 1) && (sc >= r || c == 1);
        return rowMajor || colMajor ? t : t.contiguous();
    }

    private static int[] concat(int[] batch, int r, int c) {
        int[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = r;
        s[batch.length + 1] = c;
        return s;
    }
}
