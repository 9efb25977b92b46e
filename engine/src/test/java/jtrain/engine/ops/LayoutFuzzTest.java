package jtrain.engine.ops;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import jtrain.engine.DType;
import jtrain.engine.GradCheck;
import jtrain.engine.Layouts;
import jtrain.engine.Rng;
import jtrain.engine.Shapes;
import jtrain.engine.Tensor;
import jtrain.engine.backend.Backends;
import jtrain.engine.backend.ReferenceBackend;

/**
 * Randomised layouts: every op must give the same values for a tensor whatever its strides and offset. Results
 * are compared with independent plain-array computations.
 */
class LayoutFuzzTest {
    private static int[] randomShape(Rng rng, int rank, int max) {
        int[] s = new int[rank];
        for (int i = 0; i < rank; i++) s[i] = 1 + rng.nextInt(max);
        return s;
    }

    /** Plain loops over row-major arrays: (batchA..., m, k) @ (batchB..., k, n) with broadcast batch dims. */
    private static double[] naiveMatmul(double[] a, int[] as, double[] b, int[] bs) {
        int m = as[as.length - 2], k = as[as.length - 1], n = bs[bs.length - 1];
        int[] batchA = Arrays.copyOf(as, as.length - 2), batchB = Arrays.copyOf(bs, bs.length - 2);
        int[] batch = Shapes.broadcast("naive", batchA, batchB);
        int count = Shapes.numel(batch);
        double[] out = new double[count * m * n];
        for (int p = 0; p < count; p++) {
            int pa = batchIndex(p, batch, batchA), pb = batchIndex(p, batch, batchB);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int q = 0; q < k; q++) s += a[(pa * m + i) * k + q] * b[(pb * k + q) * n + j];
                    out[(p * m + i) * n + j] = s;
                }
        }
        return out;
    }

    /** The flat index into a (possibly shorter, size-1 broadcast) batch shape of broadcast batch entry p. */
    private static int batchIndex(int p, int[] batch, int[] own) {
        int idx = 0, mul = 1;
        for (int d = batch.length - 1, e = own.length - 1; d >= 0; d--, e--) {
            int c = p % batch[d];
            p /= batch[d];
            if (e >= 0) {
                idx += (own[e] == 1 ? 0 : c) * mul;
                mul *= own[e];
            }
        }
        return idx;
    }

    @Test
    void matmulOfRandomLayoutsAndBroadcastBatches() {
        Rng rng = new Rng(2024);
        try (var be = Backends.useCpu(new ReferenceBackend())) {
            for (int trial = 0; trial < 300; trial++) {
                int batchRank = rng.nextInt(4);
                int[] batch = randomShape(rng, batchRank, 3);
                int m = 1 + rng.nextInt(3), k = 1 + rng.nextInt(3), n = 1 + rng.nextInt(3);
                int[] batchA = batch.clone(), batchB = batch.clone();
                for (int d = 0; d < batchRank; d++) {
                    if (rng.nextInt(3) == 0) batchA[d] = 1;
                    else if (rng.nextInt(3) == 0) batchB[d] = 1;
                }
                batchA = Arrays.copyOfRange(batchA, rng.nextInt(batchRank + 1), batchRank); // drop leading dims
                if (rng.nextInt(3) == 0) batchB = new int[0]; // a weight matrix shared by every batch entry
                int[] as = concat(batchA, m, k), bs = concat(batchB, k, n);
                Tensor a = Tensor.randn(rng, 0, 1, DType.F64, as), b = Tensor.randn(rng, 0, 1, DType.F64, bs);
                double[] expected = naiveMatmul(a.toDoubleArray(), as, b.toDoubleArray(), bs);
                Tensor sa = Layouts.scrambled(a, rng), sb = Layouts.scrambled(b, rng);
                Tensor got = sa.matmul(sb);
                String what = "trial " + trial + ": " + Arrays.toString(as) + " strides " + Arrays.toString(sa.strides())
                        + " @ " + Arrays.toString(bs) + " strides " + Arrays.toString(sb.strides());
                assertArrayEquals(expected, got.toDoubleArray(), 1e-12, what);
                if (trial % 30 == 0) {
                    GradCheck.check(what, in -> in[0].matmul(in[1]), GradCheck.leaf(sa), GradCheck.leaf(sb));
                }
            }
        }
    }

    private static int[] concat(int[] batch, int r, int c) {
        int[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = r;
        s[batch.length + 1] = c;
        return s;
    }

    @Test
    void reshapeOfRandomLayouts() {
        Rng rng = new Rng(7);
        for (int trial = 0; trial < 300; trial++) {
            int[] shape = randomShape(rng, 1 + rng.nextInt(4), 4);
            Tensor x = Tensor.randn(rng, 0, 1, DType.F64, shape);
            Tensor s = Layouts.scrambled(x, rng);
            int[] target = randomFactorisation(rng, x.numel());
            Tensor r = s.reshape(target);
            assertArrayEquals(x.toDoubleArray(), r.toDoubleArray(), "trial " + trial + ": " + Arrays.toString(shape) + " strides "
                    + Arrays.toString(s.strides()) + " -> " + Arrays.toString(target));
            assertArrayEquals(target, r.shape());
        }
    }

    /** A random shape (with some 1s) holding n elements. */
    private static int[] randomFactorisation(Rng rng, int n) {
        int[] dims = new int[0];
        int rest = n;
        while (rest > 1 || dims.length == 0 || rng.nextInt(4) == 0) {
            int f = rest;
            for (int tries = 0; tries < 5; tries++) {
                int c = 1 + rng.nextInt(rest);
                if (rest % c == 0) {
                    f = c;
                    break;
                }
            }
            if (rng.nextInt(5) == 0) f = 1;
            dims = Arrays.copyOf(dims, dims.length + 1);
            dims[dims.length - 1] = f;
            rest /= f;
            if (dims.length > 6) {
                dims[dims.length - 1] *= rest;
                break;
            }
        }
        return dims;
    }

    @Test
    void elementwiseReductionsAndFusedOpsIgnoreLayout() {
        Rng rng = new Rng(99);
        try (var be = Backends.useCpu(new ReferenceBackend())) {
            for (int trial = 0; trial < 40; trial++) {
                int[] shape = randomShape(rng, 1 + rng.nextInt(3), 4);
                Tensor x = Tensor.randn(rng, 0, 1, DType.F64, shape), y = Tensor.randn(rng, 0, 1, DType.F64, shape);
                Tensor sx = Layouts.scrambled(x, rng), sy = Layouts.scrambled(y, rng);
                String what = "trial " + trial + " " + Arrays.toString(shape) + " strides " + Arrays.toString(sx.strides());
                assertArrayEquals(x.mul(y).add(x).toDoubleArray(), sx.mul(sy).add(sx).toDoubleArray(), 0, what);
                assertArrayEquals(x.sum(0, false).toDoubleArray(), sx.sum(0, false).toDoubleArray(), 1e-12, what);
                assertArrayEquals(x.max(-1, true).toDoubleArray(), sx.max(-1, true).toDoubleArray(), 0, what);
                assertArrayEquals(Nn.softmax(x).toDoubleArray(), Nn.softmax(sx).toDoubleArray(), 1e-15, what);
                assertArrayEquals(Nn.logSoftmax(x).toDoubleArray(), Nn.logSoftmax(sx).toDoubleArray(), 1e-15, what);
                int c = shape[shape.length - 1];
                Tensor gamma = Tensor.randn(rng, 0, 1, DType.F64, c), beta = Tensor.randn(rng, 0, 1, DType.F64, c);
                assertArrayEquals(Nn.layerNorm(x, gamma, beta, 1e-5).toDoubleArray(),
                        Nn.layerNorm(sx, Layouts.scrambled(gamma, rng), Layouts.scrambled(beta, rng), 1e-5).toDoubleArray(), 1e-12, what);
                if (trial % 8 == 0) {
                    GradCheck.check(what + " layer_norm", in -> Nn.layerNorm(in[0], in[1], in[2], 1e-5),
                            GradCheck.leaf(sx), GradCheck.leaf(Layouts.scrambled(gamma, rng)), GradCheck.leaf(Layouts.scrambled(beta, rng)));
                    GradCheck.check(what + " softmax*y", in -> Nn.softmax(in[0]).mul(in[1]).sum(0, true), GradCheck.leaf(sx), GradCheck.leaf(sy));
                }
            }
        }
    }

    @Test
    void broadcastGradientsForRandomShapePairs() {
        Rng rng = new Rng(5);
        for (int trial = 0; trial < 25; trial++) {
            int[] full = randomShape(rng, 1 + rng.nextInt(3), 3);
            int[] as = full.clone(), bs = full.clone();
            for (int d = 0; d < full.length; d++) {
                if (rng.nextInt(3) == 0) as[d] = 1;
                else if (rng.nextInt(3) == 0) bs[d] = 1;
            }
            bs = Arrays.copyOfRange(bs, rng.nextInt(bs.length + 1), bs.length);
            Tensor a = GradCheck.leaf(Layouts.scrambled(Tensor.randn(rng, 0, 1, DType.F64, as), rng));
            Tensor b = GradCheck.leaf(Layouts.scrambled(Tensor.rand(rng, 0.5, 2, DType.F64, bs), rng));
            String what = "trial " + trial + " " + Arrays.toString(as) + " with " + Arrays.toString(bs);
            GradCheck.check(what, in -> in[0].mul(in[1]).add(in[0].div(in[1])).sub(in[1]), a, b);
            Tensor cond = Tensor.ofInts(alternating(full[full.length - 1]), full[full.length - 1]);
            GradCheck.check(what + " where", in -> Nn.where(cond, in[0], in[1]), a, b);
        }
    }

    private static int[] alternating(int n) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) v[i] = i % 2;
        return v;
    }
}
