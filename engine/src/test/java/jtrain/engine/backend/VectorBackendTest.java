package jtrain.engine.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import jtrain.engine.DType;
import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.engine.backend.Backend.Binary;
import jtrain.engine.backend.Backend.Reduce;
import jtrain.engine.backend.Backend.Unary;
import jtrain.engine.ops.Views;

/**
 * Kernel-level check of every F32 kernel the vector backend overrides against the reference backend, called
 * directly on the same random inputs. Sizes such as 1, 7, 17, 33 and 130 exercise vector tails; views exercise
 * transposed, broadcast (stride 0) and sliced layouts.
 *
 * <p>Tolerances: elementwise and row kernels agree to 1e-5 of the largest |reference value| (float vs double
 * arithmetic, vector exp/log/tanh within a few ulp, GELU's erf approximation within 3e-7 absolute); matrix
 * products and reductions, which accumulate in float in a different order, agree to 1e-4 in relative L2 norm.
 */
class VectorBackendTest {
    private static final double ELEMENTWISE = 1e-5, ACCUMULATED = 1e-4;

    private final Backend ref = new ReferenceBackend();
    private final Backend vec = new VectorBackend();
    private final Rng rng = new Rng(42);

    private Tensor randn(int... shape) {
        return Tensor.randn(rng, shape);
    }

    private Tensor uniform(double lo, double hi, int... shape) {
        return Tensor.rand(rng, lo, hi, DType.F32, shape);
    }

    /** The transpose of the last two dims of a fresh contiguous tensor, so the view has shape (..., r, c). */
    private Tensor transposed(int r, int c) {
        Tensor t = randn(c, r);
        return Views.strided(t, new int[] {r, c}, new int[] {1, r}, 0);
    }

    private static void assertClose(Tensor expected, Tensor actual, double tol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        double[] e = expected.contiguous().toDoubleArray(), a = actual.contiguous().toDoubleArray();
        double max = 1e-30;
        for (double v : e) if (Double.isFinite(v)) max = Math.max(max, Math.abs(v));
        for (int i = 0; i < e.length; i++) {
            boolean same = Double.isNaN(e[i]) ? Double.isNaN(a[i]) : Math.abs(e[i] - a[i]) <= tol * max;
            if (!same) throw new AssertionError(what + ": element " + i + " expected " + e[i] + " but was " + a[i] + " (max |ref| " + max + ")");
        }
    }

    private static void assertL2(Tensor expected, Tensor actual, double tol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        double[] e = expected.contiguous().toDoubleArray(), a = actual.contiguous().toDoubleArray();
        double diff = 0, norm = 1e-30;
        for (int i = 0; i < e.length; i++) {
            diff += (e[i] - a[i]) * (e[i] - a[i]);
            norm += e[i] * e[i];
        }
        assertTrue(Math.sqrt(diff / norm) <= tol, what + ": relative L2 error " + Math.sqrt(diff / norm));
    }

    // ---- matmul -------------------------------------------------------------------------------------------------

    private Tensor operand(int batch, int r, int c, boolean transposed, boolean broadcastBatch) {
        int stored = broadcastBatch ? 1 : batch;
        Tensor t = randn(stored, transposed ? c : r, transposed ? r : c);
        int bs = broadcastBatch ? 0 : r * c;
        int[] strides = transposed ? new int[] {bs, 1, r} : new int[] {bs, c, 1};
        return Views.strided(t, new int[] {batch, r, c}, strides, 0);
    }

    @Test
    void matmulMatchesReferenceForOddSizesAndLayouts() {
        int[][] sizes = {{1, 1, 1, 1}, {1, 7, 17, 33}, {2, 33, 130, 17}, {1, 130, 7, 1}, {3, 17, 33, 130},
                {1, 20, 300, 70}, {1, 200, 100, 300}, {1, 3, 40, 9000}, {4, 40, 20, 50},
                {1, 5, 50, 9000}, {3, 100, 64, 120}}; // the last two run on both threads (split by columns, by batch)
        for (int[] s : sizes) {
            for (int variant = 0; variant < 8; variant++) {
                boolean ta = (variant & 1) != 0, tb = (variant & 2) != 0, bcast = (variant & 4) != 0;
                if (variant > 0 && (long) s[0] * s[1] * s[2] * s[3] > 3_000_000) continue; // keep the reference quick
                Tensor a = operand(s[0], s[1], s[2], ta, false), b = operand(s[0], s[2], s[3], tb, bcast);
                String what = "matmul " + java.util.Arrays.toString(s) + " ta=" + ta + " tb=" + tb + " bcast=" + bcast;
                assertL2(ref.matmul(a, b), vec.matmul(a, b), ACCUMULATED, what);
            }
        }
    }

    @Test
    void matmulWithOffsetOperands() {
        Tensor big = randn(5000);
        Tensor a = Views.strided(big, new int[] {2, 9, 13}, new int[] {200, 13, 1}, 11);
        Tensor b = Views.strided(big, new int[] {2, 13, 21}, new int[] {0, 1, 13}, 1000);
        assertL2(ref.matmul(a, b), vec.matmul(a, b), ACCUMULATED, "matmul with offsets");
    }

    @Test
    void matmulBiasAddsTheBiasToEveryRow() {
        // Each thread writes the bias into its own rows (split by rows) or columns (split by columns, by batch entry)
        // before its product: sizes for each split, one with no depth at all (the bias alone), contiguous and strided bias.
        int[][] sizes = {{1, 7, 17, 33}, {2, 40, 20, 50}, {1, 130, 70, 300}, {1, 300, 40, 200}, {3, 100, 64, 120}, {1, 5, 0, 7}};
        for (int[] s : sizes) {
            for (boolean strided : new boolean[] {false, true}) {
                Tensor a = operand(s[0], s[1], s[2], false, false), b = operand(s[0], s[2], s[3], true, false);
                Tensor bias = strided ? Views.strided(randn(2 * s[3]), new int[] {s[3]}, new int[] {2}, 1) : randn(s[3]);
                Tensor expected = ref.matmulBias(a, b, bias);
                String what = "matmulBias " + java.util.Arrays.toString(s) + (strided ? " strided bias" : "");
                assertL2(expected, vec.matmulBias(a, b, bias), ACCUMULATED, what);
                assertL2(expected, ref.binary(Binary.ADD, ref.matmul(a, b), Views.broadcastView(bias, expected.shape())),
                        ACCUMULATED, "reference matmulBias is matmul + bias, " + what);
            }
        }
    }

    // ---- elementwise ------------------------------------------------------------------------------------------

    @Test
    void unaryOpsMatchOnContiguousAndTransposedInputs() {
        for (Unary op : Unary.values()) {
            boolean positive = op == Unary.LOG || op == Unary.SQRT || op == Unary.RSQRT || op == Unary.RECIPROCAL;
            for (int[] s : new int[][] {{1}, {7, 33}, {130, 17}}) {
                Tensor x = positive ? uniform(0.05, 4, s) : uniform(-6, 6, s);
                assertClose(ref.unary(op, x), vec.unary(op, x), ELEMENTWISE, op + " " + java.util.Arrays.toString(s));
            }
            Tensor t = transposed(17, 33);
            if (positive) { // |t| + 0.1 written back into the transposed view's storage
                Tensor pos = ref.binary(Binary.ADD, ref.unary(Unary.ABS, t), Tensor.full(0.1, DType.F32, jtrain.engine.Device.CPU, 17, 33));
                ref.copy(pos, t);
            }
            assertClose(ref.unary(op, t), vec.unary(op, t), ELEMENTWISE, op + " transposed");
        }
    }

    @Test
    void tanhAndExpKeepTheirRelativeAccuracyAtTheEdges() {
        // tanh near 0 (where 1 - 2/(e^2x + 1) cancels), across the switch at 0.625, and exp up to the float limit.
        float[] xs = {1e-8f, -1e-6f, 3e-4f, 0.1f, -0.6f, 0.624f, 0.626f, -0.7f, 2f, 9f, -30f, 0f, -0f};
        double[] t = vec.unary(Unary.TANH, Tensor.of(xs, xs.length)).toDoubleArray();
        for (int i = 0; i < xs.length; i++) {
            double want = Math.tanh(xs[i]);
            assertEquals(want, t[i], 4 * Math.ulp((float) want) + 1e-45, "tanh(" + xs[i] + ")");
        }
        float[] big = {88.0f, 88.5f, 88.72f, 88.73f, -87.0f, 0f};
        double[] e = vec.unary(Unary.EXP, Tensor.of(big, big.length)).toDoubleArray();
        for (int i = 0; i < big.length; i++) {
            float want = (float) Math.exp(big[i]);
            if (Float.isInfinite(want)) assertEquals(Double.POSITIVE_INFINITY, e[i], "exp(" + big[i] + ") overflows");
            else assertEquals(want, e[i], 4 * Math.ulp(want), "exp(" + big[i] + ")");
        }
    }

    @Test
    void geluIsAccurateInAbsoluteTerms() {
        Tensor x = uniform(-10, 10, 20_003);
        double[] e = ref.unary(Unary.GELU, x).toDoubleArray(), a = vec.unary(Unary.GELU, x).toDoubleArray();
        double[] eg = ref.binary(Binary.GELU_BACKWARD, x, Tensor.ones(20_003)).toDoubleArray();
        double[] ag = vec.binary(Binary.GELU_BACKWARD, x, Tensor.ones(20_003)).toDoubleArray();
        double worst = 0, worstGrad = 0;
        for (int i = 0; i < e.length; i++) {
            // Besides the approximation (1.5e-7 in erf), a float result carries half an ulp of rounding.
            worst = Math.max(worst, Math.abs(e[i] - a[i]) - Math.ulp((float) e[i]));
            worstGrad = Math.max(worstGrad, Math.abs(eg[i] - ag[i]) - Math.ulp((float) eg[i]));
        }
        assertTrue(worst <= 1e-6, "GELU max abs error " + worst);
        assertTrue(worstGrad <= 1e-6, "GELU' max abs error " + worstGrad);
    }

    @Test
    void geluMatchesTheReferenceAtEverySpanLengthOffsetAndExtremeInput() {
        // GELU and its backward run in loops of their own (VectorGelu): every tail length up to three vectors,
        // at an offset into the storage, and inputs at and beyond the approximation's edges (exp(-x^2/2) underflows
        // past |x| = 13.2), infinities and NaN, which must come out as the double-precision reference's.
        float[] special = {10f, -10f, 5.5f, -5.5f, 13.2f, -13.3f, -14f, 40f, -40f, 0f, -0f, 1e-30f, -1e-30f,
                Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE, -Float.MAX_VALUE};
        int lanes = VectorMath.S.length();
        for (int n = 1; n <= 3 * lanes + 1; n++) {
            float[] stored = new float[n + 5];
            for (int i = 0; i < stored.length; i++) stored[i] = special[(i * 7 + n) % special.length];
            Tensor x = Views.strided(Tensor.of(stored, stored.length), new int[] {n}, new int[] {1}, 5);
            Tensor g = Views.strided(uniform(-2, 2, n + 3), new int[] {n}, new int[] {1}, 3);
            String at = " over " + n + " elements at offset 5";
            assertWithinAbsolute(ref.unary(Unary.GELU, x), vec.unary(Unary.GELU, x), 1e-6, "GELU" + at);
            assertWithinAbsolute(ref.binary(Binary.GELU_BACKWARD, x, g), vec.binary(Binary.GELU_BACKWARD, x, g), 2e-6,
                    "GELU backward" + at);
        }
    }

    @Test
    void expBasedSpansAndRowsMatchTheReferenceAtEveryWidthAndOffset() {
        // exp, tanh, the log-softmax backward and the cross-entropy backward run full vectors unmasked and the
        // tail masked in a method of its own: every width up to three vectors, rows at an offset into their storage.
        int lanes = VectorMath.S.length();
        for (int c = 1; c <= 3 * lanes + 1; c++) {
            int rows = 3;
            String at = " width " + c + " at offset 5";
            Tensor x = Views.strided(uniform(-6, 6, rows * c + 5), new int[] {rows, c}, new int[] {c, 1}, 5);
            assertClose(ref.unary(Unary.EXP, x), vec.unary(Unary.EXP, x), ELEMENTWISE, "exp" + at);
            assertClose(ref.unary(Unary.TANH, x), vec.unary(Unary.TANH, x), ELEMENTWISE, "tanh" + at);
            Tensor ly = ref.logSoftmax(x), gy = Views.strided(randn(rows * c + 5), new int[] {rows, c}, new int[] {c, 1}, 5);
            assertClose(ref.logSoftmaxBackward(ly, gy), vec.logSoftmaxBackward(ly, gy), ELEMENTWISE, "logSoftmaxBackward" + at);
            int[] t = new int[rows];
            for (int i = 0; i < rows; i++) t[i] = i == 1 ? -100 : rng.nextInt(c);
            Tensor targets = Tensor.ofInts(t, rows), gLoss = Tensor.scalar(0.5);
            Tensor lse = ref.crossEntropy(x, targets, -100)[1];
            assertClose(ref.crossEntropyBackward(x, lse, targets, -100, gLoss), vec.crossEntropyBackward(x, lse, targets, -100, gLoss),
                    ELEMENTWISE, "crossEntropyBackward" + at);
        }
    }

    /** Each fused activation with the constants the hidden_act names use: gelu_new's, gelu_fast's, SiLU's, quick_gelu's. */
    private static final Object[][] ACTIVATIONS = {{Backend.Activation.GELU_TANH, Math.sqrt(2 / Math.PI)},
            {Backend.Activation.GELU_TANH, 0.7978845608}, {Backend.Activation.SWISH, 1.0}, {Backend.Activation.SWISH, 1.702}};

    @Test
    void fusedActivationsAreAccurateInAbsoluteTerms() {
        Tensor x = uniform(-12, 12, 20_003), ones = Tensor.ones(20_003);
        for (Object[] a : ACTIVATIONS) {
            Backend.Activation op = (Backend.Activation) a[0];
            double c = (Double) a[1];
            double[] e = ref.activation(op, c, x).toDoubleArray(), v = vec.activation(op, c, x).toDoubleArray();
            double[] eg = ref.activationBackward(op, c, x, ones).toDoubleArray(), vg = vec.activationBackward(op, c, x, ones).toDoubleArray();
            double worst = 0, worstGrad = 0;
            for (int i = 0; i < e.length; i++) {
                // Beyond the rounding of the float result (one ulp), a few ulp of exp and the sigmoid.
                worst = Math.max(worst, Math.abs(e[i] - v[i]) - Math.ulp((float) e[i]));
                worstGrad = Math.max(worstGrad, Math.abs(eg[i] - vg[i]) - Math.ulp((float) eg[i]));
            }
            assertTrue(worst <= 5e-7, op + "(" + c + ") max abs error " + worst);
            assertTrue(worstGrad <= 5e-7, op + "(" + c + ")' max abs error " + worstGrad);
        }
    }

    @Test
    void fusedActivationsMatchTheReferenceAtEverySpanLengthOffsetAndExtremeInput() {
        // Every tail length up to three vectors, at an offset into the storage, and inputs where the sigmoid
        // saturates, x^3 (1e13) or x^2 (1e20) overflows float, infinities and NaN: as the double-precision reference.
        float[] special = {10f, -10f, 5.5f, -5.5f, 40f, -40f, 0f, -0f, 1e-30f, -1e-30f, 1e13f, -1e13f, 1e20f, -1e20f,
                Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE, -Float.MAX_VALUE};
        int lanes = VectorMath.S.length();
        for (Object[] a : ACTIVATIONS) {
            Backend.Activation op = (Backend.Activation) a[0];
            double c = (Double) a[1];
            for (int n = 1; n <= 3 * lanes + 1; n++) {
                float[] stored = new float[n + 5];
                for (int i = 0; i < stored.length; i++) stored[i] = special[(i * 7 + n) % special.length];
                Tensor x = Views.strided(Tensor.of(stored, stored.length), new int[] {n}, new int[] {1}, 5);
                Tensor g = Views.strided(uniform(-2, 2, n + 3), new int[] {n}, new int[] {1}, 3);
                String at = " " + op + "(" + c + ") over " + n + " elements at offset 5";
                assertWithinAbsolute(ref.activation(op, c, x), vec.activation(op, c, x), 1e-6, "forward" + at);
                assertWithinAbsolute(ref.activationBackward(op, c, x, g), vec.activationBackward(op, c, x, g), 2e-6, "backward" + at);
            }
        }
    }

    /** |expected - actual| <= tol + one float ulp of expected; NaN only where expected is NaN, infinities equal. */
    private static void assertWithinAbsolute(Tensor expected, Tensor actual, double tol, String what) {
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            boolean same = Double.isNaN(e[i]) || Double.isInfinite(e[i]) ? Double.compare(e[i], a[i]) == 0
                    : Math.abs(e[i] - a[i]) <= tol + Math.ulp((float) e[i]);
            if (!same) throw new AssertionError(what + ": element " + i + " expected " + e[i] + " but was " + a[i]);
        }
    }

    /** The layouts a binary kernel sees: same shape, row broadcast, column broadcast, scalar, transposed. */
    private Tensor[][] binaryOperands(boolean positiveB) {
        int r = 33, c = 130;
        Tensor a = randn(r, c);
        Tensor b = positiveB ? uniform(0.5, 2, r, c) : randn(r, c);
        Tensor row = positiveB ? uniform(0.5, 2, c) : randn(c);
        Tensor col = positiveB ? uniform(0.5, 2, r) : randn(r);
        Tensor scalar = positiveB ? uniform(0.5, 2, 1) : randn(1);
        Tensor t = transposed(r, c);
        return new Tensor[][] {
                {a, b},
                {a, Views.strided(row, new int[] {r, c}, new int[] {0, 1}, 0)},
                {a, Views.strided(col, new int[] {r, c}, new int[] {1, 0}, 0)},
                {a, Views.strided(scalar, new int[] {r, c}, new int[] {0, 0}, 0)},
                {Views.strided(scalar, new int[] {r, c}, new int[] {0, 0}, 0), positiveB ? b : a},
                {t, b},
                {randn(7), positiveB ? uniform(0.5, 2, 7) : randn(7)},
        };
    }

    @Test
    void binaryOpsMatchForEveryBroadcastLayout() {
        for (Binary op : Binary.values()) {
            boolean positive = op == Binary.DIV || op == Binary.POW;
            Tensor[][] cases = binaryOperands(positive);
            for (int k = 0; k < cases.length; k++) {
                Tensor a = cases[k][0], b = cases[k][1];
                if (op == Binary.POW) a = ref.unary(Unary.ABS, a);
                assertClose(ref.binary(op, a, b), vec.binary(op, a, b), ELEMENTWISE, op + " layout " + k);
            }
            Tensor x = randn(17);
            Tensor eq = x; // EQ must find equal elements too
            assertClose(ref.binary(op, x, eq), vec.binary(op, x, eq), ELEMENTWISE, op + " equal operands");
        }
    }

    @Test
    void whereCopyFillAndInPlaceOps() {
        Tensor cond = ref.binary(Binary.GT, randn(33, 17), Tensor.zeros(33, 17));
        Tensor a = transposed(33, 17), b = randn(33, 17);
        assertClose(ref.where(cond, a, b), vec.where(cond, a, b), 0, "where");
        int[] bits = new int[17];
        for (int i = 0; i < 17; i++) bits[i] = rng.nextInt(3) - 1;
        Tensor intCond = Views.strided(Tensor.ofInts(bits, 17), new int[] {33, 17}, new int[] {0, 1}, 0);
        assertClose(ref.where(intCond, a, b), vec.where(intCond, a, b), 0, "where with a broadcast I32 condition");

        // copy: transposed source, 3-d permutation, strided destination (a slice), broadcast source
        Tensor src = randn(7, 33, 17);
        Tensor perm = Views.strided(src, new int[] {17, 7, 33}, new int[] {1, 33 * 17, 17}, 0);
        for (Tensor s : new Tensor[] {a, perm, Views.strided(randn(17), new int[] {33, 17}, new int[] {0, 1}, 0)}) {
            Tensor d1 = Tensor.zeros(s.shape()), d2 = Tensor.zeros(s.shape());
            ref.copy(s, d1);
            vec.copy(s, d2);
            assertClose(d1, d2, 0, "copy");
        }
        Tensor wide1 = Tensor.zeros(33, 40), wide2 = Tensor.zeros(33, 40);
        Tensor sub1 = Views.strided(wide1, new int[] {33, 17}, new int[] {40, 1}, 5), sub2 = Views.strided(wide2, new int[] {33, 17}, new int[] {40, 1}, 5);
        ref.copy(b, sub1);
        vec.copy(b, sub2);
        assertClose(wide1, wide2, 0, "copy into a slice");
        ref.fill(Views.strided(wide1, new int[] {33, 3}, new int[] {40, 7}, 1), 2.5);
        vec.fill(Views.strided(wide2, new int[] {33, 3}, new int[] {40, 7}, 1), 2.5);
        assertClose(wide1, wide2, 0, "strided fill");

        Tensor acc1 = randn(33, 130);
        Tensor acc2c = Tensor.zeros(33, 130);
        ref.copy(acc1, acc2c);
        Tensor row = Views.strided(randn(130), new int[] {33, 130}, new int[] {0, 1}, 0);
        ref.addInPlace(acc1, row);
        vec.addInPlace(acc2c, row);
        assertClose(acc1, acc2c, ELEMENTWISE, "addInPlace");
        Tensor k = Tensor.scalar(-0.37);
        ref.scaleInPlace(acc1, k);
        vec.scaleInPlace(acc2c, k);
        assertClose(acc1, acc2c, ELEMENTWISE, "scaleInPlace");
    }

    // ---- reductions -------------------------------------------------------------------------------------------

    @Test
    void reductionsOverTrailingLeadingAndMiddleDims() {
        Tensor x2 = randn(17, 130), x3 = randn(3, 7, 33), big = randn(1030, 130);
        Object[][] cases = {
                {x2, new boolean[] {false, true}}, {x2, new boolean[] {true, false}}, {x2, new boolean[] {true, true}},
                {x3, new boolean[] {false, true, false}}, {x3, new boolean[] {true, false, true}},
                {x3, new boolean[] {false, false, true}}, {transposed(33, 7), new boolean[] {true, false}},
                {big, new boolean[] {true, false}}, {big, new boolean[] {false, true}}, {randn(1), new boolean[] {true}},
        };
        for (Reduce op : Reduce.values()) {
            for (Object[] c : cases) {
                Tensor x = (Tensor) c[0];
                boolean[] red = (boolean[]) c[1];
                assertL2(ref.reduce(op, x, red), vec.reduce(op, x, red), ACCUMULATED,
                        op + " " + java.util.Arrays.toString(x.shape()) + " " + java.util.Arrays.toString(red));
            }
        }
        for (Tensor x : new Tensor[] {randn(7), randn(100_003), transposed(33, 17)}) {
            assertL2(ref.sumOfSquares(x), vec.sumOfSquares(x), ACCUMULATED, "sumOfSquares " + x.numel());
        }
    }

    // ---- row kernels ----------------------------------------------------------------------------------------------

    @Test
    void softmaxFamilyForwardAndBackward() {
        for (int[] s : new int[][] {{7, 130}, {33, 1}, {3, 5, 17}, {520, 130}, {2, 3, 64, 128}, {5, 16}}) {
            Tensor x = ref.binary(Binary.MUL, randn(s), Tensor.full(3, DType.F32, jtrain.engine.Device.CPU, s));
            Tensor gy = randn(s);
            Tensor y = ref.softmax(x), ly = ref.logSoftmax(x);
            String dims = java.util.Arrays.toString(s);
            assertClose(y, vec.softmax(x), ELEMENTWISE, "softmax " + dims);
            assertClose(ly, vec.logSoftmax(x), ELEMENTWISE, "logSoftmax " + dims);
            assertClose(ref.softmaxBackward(y, gy), vec.softmaxBackward(y, gy), ELEMENTWISE, "softmaxBackward " + dims);
            assertClose(ref.logSoftmaxBackward(ly, gy), vec.logSoftmaxBackward(ly, gy), ELEMENTWISE, "logSoftmaxBackward " + dims);
        }
        Tensor gyBroadcast = Views.strided(randn(17), new int[] {7, 17}, new int[] {0, 1}, 0);
        Tensor y = ref.softmax(randn(7, 17));
        assertClose(ref.softmaxBackward(y, gyBroadcast), vec.softmaxBackward(y, gyBroadcast), ELEMENTWISE, "softmaxBackward broadcast gy");
        // Rows 2..9 of (10, 37) tensors: contiguous views at an offset into their storage.
        Tensor yRows = Views.strided(ref.softmax(randn(10, 37)), new int[] {8, 37}, new int[] {37, 1}, 2 * 37);
        Tensor gRows = Views.strided(randn(10, 37), new int[] {8, 37}, new int[] {37, 1}, 2 * 37);
        assertClose(ref.softmaxBackward(yRows, gRows), vec.softmaxBackward(yRows, gRows), ELEMENTWISE, "softmaxBackward at offsets");
    }

    @Test
    void layerNormForwardAndBackward() {
        for (int[] s : new int[][] {{17, 130}, {4, 7}, {2, 3, 33}, {520, 130}, {300, 256}}) {
            int c = s[s.length - 1];
            Tensor x = ref.binary(Binary.ADD, randn(s), Tensor.full(0.7, DType.F32, jtrain.engine.Device.CPU, s));
            Tensor gamma = randn(c), beta = randn(c), gy = randn(s);
            Tensor[] e = ref.layerNorm(x, gamma, beta, 1e-5), a = vec.layerNorm(x, gamma, beta, 1e-5);
            String dims = java.util.Arrays.toString(s);
            for (int i = 0; i < 3; i++) assertClose(e[i], a[i], ELEMENTWISE, "layerNorm output " + i + " " + dims);
            Tensor[] eb = ref.layerNormBackward(gy, x, gamma, e[1], e[2]), ab = vec.layerNormBackward(gy, x, gamma, e[1], e[2]);
            assertClose(eb[0], ab[0], ELEMENTWISE, "layerNorm gx " + dims);
            assertL2(eb[1], ab[1], ACCUMULATED, "layerNorm ggamma " + dims);
            assertL2(eb[2], ab[2], ACCUMULATED, "layerNorm gbeta " + dims);
        }
    }

    @Test
    void embeddingCrossEntropyDropoutAndAdamw() {
        Tensor w = randn(50, 33);
        Tensor ids = Tensor.ofInts(new int[] {3, 0, 49, 3, 3, 17, 8}, 7);
        assertClose(ref.embedding(w, ids), vec.embedding(w, ids), 0, "embedding");
        Tensor gy = randn(7, 33);
        assertClose(ref.embeddingBackward(gy, ids, 50), vec.embeddingBackward(gy, ids, 50), ELEMENTWISE, "embeddingBackward");
        Tensor bad = Tensor.ofInts(new int[] {1, 50}, 2);
        assertThrows(IndexOutOfBoundsException.class, () -> vec.embedding(w, bad));
        assertThrows(IndexOutOfBoundsException.class, () -> vec.embeddingBackward(randn(2, 33), bad, 50));

        for (int c : new int[] {1, 17, 130}) {
            int n = 9;
            Tensor logits = ref.binary(Binary.MUL, randn(n, c), Tensor.full(4, DType.F32, jtrain.engine.Device.CPU, n, c));
            int[] t = new int[n];
            for (int i = 0; i < n; i++) t[i] = i % 3 == 1 ? -100 : rng.nextInt(c);
            Tensor targets = Tensor.ofInts(t, n), gLoss = Tensor.scalar(1.7);
            Tensor[] e = ref.crossEntropy(logits, targets, -100), a = vec.crossEntropy(logits, targets, -100);
            assertClose(e[0], a[0], ELEMENTWISE, "crossEntropy loss c=" + c);
            assertClose(e[1], a[1], ELEMENTWISE, "crossEntropy lse c=" + c);
            assertClose(ref.crossEntropyBackward(logits, e[1], targets, -100, gLoss),
                    vec.crossEntropyBackward(logits, e[1], targets, -100, gLoss), ELEMENTWISE, "crossEntropyBackward c=" + c);
        }
        Tensor allIgnored = Tensor.ofInts(new int[] {-100, -100}, 2);
        assertEquals(0.0, vec.crossEntropy(randn(2, 5), allIgnored, -100)[0].item());

        for (int n : new int[] {1, 17, 100_003}) {
            float[] e = ref.dropoutMask(new int[] {n}, DType.F32, 0.1, 1234).toFloatArray();
            float[] a = vec.dropoutMask(new int[] {n}, DType.F32, 0.1, 1234).toFloatArray();
            assertArrayEquals(e, a, "dropout mask must be bit-identical (n=" + n + ")");
            for (double p : new double[] {0, 0.5, 1.0 / 3}) {
                assertArrayEquals(ref.dropoutMask(new int[] {n}, DType.F32, p, -7).toFloatArray(),
                        vec.dropoutMask(new int[] {n}, DType.F32, p, -7).toFloatArray(), "dropout p=" + p + " n=" + n);
            }
        }

        for (int n : new int[] {1, 17, 100_003}) {
            Tensor x = randn(n);
            float[] e = ref.binary(Binary.MUL, x, ref.dropoutMask(new int[] {n}, DType.F32, 0.3, 99)).toFloatArray();
            assertArrayEquals(e, vec.dropout(x, 0.3, 99).toFloatArray(), "fused dropout is x * mask, bit for bit (n=" + n + ")");
            assertArrayEquals(e, ref.dropout(x, 0.3, 99).toFloatArray());
        }

        for (int n : new int[] {1, 33, 100_003}) {
            Tensor p1 = randn(n), g = randn(n), m1 = randn(n), v1 = uniform(0, 1, n);
            Tensor p2 = copyOf(p1), m2 = copyOf(m1), v2 = copyOf(v1);
            ref.adamw(p1, g, m1, v1, 1e-3, 0.9, 0.999, 1e-8, 0.01, 0.19, 0.0199);
            vec.adamw(p2, g, m2, v2, 1e-3, 0.9, 0.999, 1e-8, 0.01, 0.19, 0.0199);
            assertClose(p1, p2, ELEMENTWISE, "adamw param n=" + n);
            assertClose(m1, m2, ELEMENTWISE, "adamw m n=" + n);
            assertClose(v1, v2, ELEMENTWISE, "adamw v n=" + n);
        }
    }

    private Tensor copyOf(Tensor t) {
        Tensor c = Tensor.zeros(t.shape());
        ref.copy(t, c);
        return c;
    }
}
