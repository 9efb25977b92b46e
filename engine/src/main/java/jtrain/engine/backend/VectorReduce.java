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
 * (vector accumulate along the row, then across lanes); inner > 1 adds whole rows into rows of partial results, one
 * per fixed chunk of rows, then combines those (bias gradients: outer == 1). Accumulation is in float.
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
        reduceColumns(sum, x, xOff, outer, red, inner, out);
    }

    /** Rows per partial result of a column reduction: fixed, so that the summation order depends on the shape only. */
    static final int ROW_CHUNK = 64;
    /** Columns per task of a column reduction (splitting columns does not change any summation order). */
    private static final int COL_BLOCK = 1024;

    /**
     * The inner > 1 case (bias gradients: outer == 1, a (tokens, features) gradient summed over its rows). Each task
     * streams whole rows of one chunk of ROW_CHUNK rows into a row of partial results (rows added in order); the
     * chunks' partials are then combined in chunk order. Threads only decide who computes which chunk, so the bits
     * are the same for any number of threads. Walking one column block down all rows instead (a dependent add per
     * row, a 4 KB stride for 1024 columns) read (4096, 1024) at 8 GB/s, a sixth of the threaded streaming rate.
     */
    private static void reduceColumns(boolean sum, float[] x, int xOff, int outer, int red, int inner, float[] out) {
        int chunks = (red + ROW_CHUNK - 1) / ROW_CHUNK, colBlocks = (inner + COL_BLOCK - 1) / COL_BLOCK;
        float[] partial = chunks == 1 ? out : new float[outer * chunks * inner]; // (outer, chunk, inner)
        int grain = (long) outer * red * inner < 2L * VectorElementwise.GRAIN ? Integer.MAX_VALUE : 1;
        Parallel.forRange(outer * chunks * colBlocks, grain, (from, to) -> {
            for (int t = from; t < to; t++) {
                int block = t % colBlocks, chunk = t / colBlocks % chunks, o = t / colBlocks / chunks;
                int r0 = chunk * ROW_CHUNK, j0 = block * COL_BLOCK;
                reduceRows(sum, x, xOff + (o * red + r0) * inner + j0, inner, Math.min(ROW_CHUNK, red - r0),
                        Math.min(COL_BLOCK, inner - j0), partial, (o * chunks + chunk) * inner + j0);
            }
        });
        if (chunks == 1) return;
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < inner; j += L) {
                VectorMask<Float> m = S.indexInRange(j, inner);
                int p = o * chunks * inner + j;
                FloatVector acc = FloatVector.fromArray(S, partial, p, m);
                for (int c = 1; c < chunks; c++) {
                    FloatVector v = FloatVector.fromArray(S, partial, p + c * inner, m);
                    acc = sum ? acc.add(v) : acc.max(v);
                }
                acc.intoArray(out, o * inner + j, m);
            }
        }
    }

    /**
     * dst[0, n) = sum (or max) of `rows` rows of n floats at x[off], x[off + stride], ..., rows added in order. Four
     * rows go through each pass over dst (one load and store of it per four rows read); the main loop is unmasked:
     * with masked loads and stores in every iteration, one thread summed at 5 GB/s instead of 26.
     */
    private static void reduceRows(boolean sum, float[] x, int off, int stride, int rows, int n, float[] dst, int dOff) {
        System.arraycopy(x, off, dst, dOff, n);
        int full = n - n % L, r = 1;
        for (; r + 4 <= rows; r += 4) {
            int b0 = off + r * stride, b1 = b0 + stride, b2 = b1 + stride, b3 = b2 + stride;
            for (int j = 0; j < full; j += L) {
                FloatVector a = FloatVector.fromArray(S, dst, dOff + j);
                FloatVector v0 = FloatVector.fromArray(S, x, b0 + j), v1 = FloatVector.fromArray(S, x, b1 + j);
                FloatVector v2 = FloatVector.fromArray(S, x, b2 + j), v3 = FloatVector.fromArray(S, x, b3 + j);
                a = sum ? a.add(v0).add(v1).add(v2).add(v3) : a.max(v0).max(v1).max(v2).max(v3);
                a.intoArray(dst, dOff + j);
            }
        }
        for (; r < rows; r++) {
            int base = off + r * stride;
            for (int j = 0; j < full; j += L) {
                FloatVector a = FloatVector.fromArray(S, dst, dOff + j), v = FloatVector.fromArray(S, x, base + j);
                (sum ? a.add(v) : a.max(v)).intoArray(dst, dOff + j);
            }
        }
        if (full == n) return;
        VectorMask<Float> m = S.indexInRange(full, n);
        FloatVector a = FloatVector.fromArray(S, dst, dOff + full, m);
        for (r = 1; r < rows; r++) {
            FloatVector v = FloatVector.fromArray(S, x, off + r * stride + full, m);
            a = sum ? a.add(v) : a.max(v);
        }
        a.intoArray(dst, dOff + full, m);
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

    /** Floats per block of a sum of squares: each block's float partial sum is added to the total in double. */
    static final int SQUARES_BLOCK = 4096;

    /** Sum of squares of n floats from off: blocks of SQUARES_BLOCK summed in float, their sums added in double in order. */
    static double sumOfSquares(float[] x, int off, int n) {
        double total = 0;
        for (int b = 0; b < n; b += SQUARES_BLOCK) total += blockSumOfSquares(x, off + b, Math.min(SQUARES_BLOCK, n - b));
        return total;
    }

    /** Sum of squares of len <= SQUARES_BLOCK floats from base, in float (two vector accumulators). */
    private static float blockSumOfSquares(float[] x, int base, int len) {
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
        return VectorMath.sumLanes(a0.add(a1));
    }

    /**
     * Sum of squares of a contiguous F32 tensor (gradient clipping's norm). Threads compute the blocks' float sums;
     * the total adds them in block order, so the result is the bits of the one-thread loop above for any thread count
     * (one part per thread, summed part by part, made the clipped gradients depend on -Djtrain.threads).
     */
    static double sumOfSquares(Tensor t) {
        float[] x = VectorElementwise.f32(t);
        int n = t.numel(), off = t.offset();
        int blocks = (n + SQUARES_BLOCK - 1) / SQUARES_BLOCK;
        float[] sums = new float[blocks];
        Parallel.forRange(blocks, Math.max(1, VectorElementwise.GRAIN / SQUARES_BLOCK), (from, to) -> {
            for (int b = from; b < to; b++) {
                int lo = b * SQUARES_BLOCK;
                sums[b] = blockSumOfSquares(x, off + lo, Math.min(SQUARES_BLOCK, n - lo));
            }
        });
        double total = 0;
        for (float s : sums) total += s;
        return total;
    }
}
