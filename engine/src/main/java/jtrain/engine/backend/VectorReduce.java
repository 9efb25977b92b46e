package jtrain.engine.backend;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import jtrain.engine.Tensor;
import jtrain.engine.backend.Backend.Reduce;

/**
 * F32 sum/max reductions of a contiguous tensor whose reduced dimensions form one block: after merging neighbours,
 * the shape reads (outer, reduced, inner) with out[o, i] = reduce_r x[o, r, i]. inner == 1 is a row reduction
 * (vector accumulate along the row, then across lanes); inner > 1 reduces whole rows into a vector of column
 * accumulators (bias gradients: outer == 1). Accumulation is in float, in several independent lanes.
 */
final class VectorReduce {
    private VectorReduce() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** {outer, reduced, inner} of a contiguous x, or null when the reduced dimensions are not one block. */
    static int[] blocks(int[] shape, boolean[] reduced) {
        long[] sizes = {1, 1, 1};
        int phase = 0; // 0: leading kept dims, 1: reduced block, 2: trailing kept dims
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) continue;
            int want = reduced[d] ? 1 : (phase == 0 ? 0 : 2);
            if (want < phase) return null;
            phase = want;
            sizes[phase] *= shape[d];
        }
        return new int[] {(int) sizes[0], (int) sizes[1], (int) sizes[2]};
    }

    /** out (contiguous, outer * inner elements) = reduction of contiguous x laid out as (outer, reduced, inner). */
    static void reduce(Reduce op, float[] x, int xOff, int outer, int red, int inner, float[] out) {
        boolean sum = op == Reduce.SUM;
        if (inner == 1) {
            Parallel.forRange(outer, Math.max(1, VectorElementwise.GRAIN / Math.max(1, red)), (from, to) -> {
                for (int o = from; o < to; o++) out[o] = sum ? sum(x, xOff + o * red, red) : max(x, xOff + o * red, red);
            });
            return;
        }
        // Column reduction: split the columns across threads (each owns its slice of every row).
        int colBlocks = (inner + L - 1) / L;
        long work = (long) outer * red * inner;
        int grain = work < 2L * VectorElementwise.GRAIN ? Integer.MAX_VALUE : 1;
        Parallel.forRange(outer * colBlocks, grain, (from, to) -> {
            for (int t = from; t < to; t++) {
                int o = t / colBlocks, j = (t % colBlocks) * L;
                VectorMask<Float> m = S.indexInRange(j, inner);
                int base = xOff + o * red * inner + j;
                FloatVector acc = FloatVector.fromArray(S, x, base, m);
                for (int r = 1; r < red; r++) {
                    FloatVector v = FloatVector.fromArray(S, x, base + r * inner, m);
                    acc = sum ? acc.add(v) : acc.max(v);
                }
                acc.intoArray(out, o * inner + j, m);
            }
        });
    }

    /** Sum of n floats from off, in four vector accumulators. */
    static float sum(float[] x, int off, int n) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (; i <= n - 4 * L; i += 4 * L) {
            a0 = a0.add(FloatVector.fromArray(S, x, off + i));
            a1 = a1.add(FloatVector.fromArray(S, x, off + i + L));
            a2 = a2.add(FloatVector.fromArray(S, x, off + i + 2 * L));
            a3 = a3.add(FloatVector.fromArray(S, x, off + i + 3 * L));
        }
        for (; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            a0 = a0.add(FloatVector.fromArray(S, x, off + i, m));
        }
        return VectorMath.sumLanes(a0.add(a1).add(a2.add(a3)));
    }

    /** Maximum of n >= 1 floats from off (NaN if any is NaN, like Math.max). */
    static float max(float[] x, int off, int n) {
        FloatVector a0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), a1 = a0;
        int i = 0;
        for (; i <= n - 2 * L; i += 2 * L) {
            a0 = a0.max(FloatVector.fromArray(S, x, off + i));
            a1 = a1.max(FloatVector.fromArray(S, x, off + i + L));
        }
        for (; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            a0 = a0.max(FloatVector.fromArray(S, x, off + i, m).blend(Float.NEGATIVE_INFINITY, m.not()));
        }
        return a0.max(a1).reduceLanes(VectorOperators.MAX);
    }

    /** Sum of squares of n floats from off, with float partial sums added up in double every block. */
    static double sumOfSquares(float[] x, int off, int n) {
        double total = 0;
        for (int b = 0; b < n; b += 4096) {
            int len = Math.min(4096, n - b), base = off + b;
            FloatVector a0 = FloatVector.zero(S), a1 = a0;
            int i = 0;
            for (; i <= len - 2 * L; i += 2 * L) {
                FloatVector v0 = FloatVector.fromArray(S, x, base + i), v1 = FloatVector.fromArray(S, x, base + i + L);
                a0 = v0.fma(v0, a0);
                a1 = v1.fma(v1, a1);
            }
            for (; i < len; i += L) {
                VectorMask<Float> m = S.indexInRange(i, len);
                FloatVector v = FloatVector.fromArray(S, x, base + i, m);
                a0 = v.fma(v, a0);
            }
            total += VectorMath.sumLanes(a0.add(a1));
        }
        return total;
    }

    /** Sum of squares of a contiguous F32 tensor, split across threads into fixed parts (a deterministic sum). */
    static double sumOfSquares(Tensor t) {
        float[] x = VectorElementwise.f32(t);
        int n = t.numel(), off = t.offset();
        int parts = n >= 2 * VectorElementwise.GRAIN ? Parallel.THREADS : 1;
        double[] sums = new double[parts];
        Parallel.forRange(parts, 1, (from, to) -> {
            for (int p = from; p < to; p++) {
                int lo = (int) ((long) n * p / parts), hi = (int) ((long) n * (p + 1) / parts);
                sums[p] = sumOfSquares(x, off + lo, hi - lo);
            }
        });
        double total = 0;
        for (double s : sums) total += s;
        return total;
    }
}
