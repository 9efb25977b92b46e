package jtrain.engine.backend;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import jtrain.engine.Rng;

/**
 * F32 kernels around parameters and lookups on dense arrays: embedding gather and scatter-add, the AdamW update
 * and dropout masks.
 */
final class VectorNn {
    private VectorNn() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** out[i, :] = w[ids[i], :] for n ids; every id is checked before anything is copied. */
    static void embedding(float[] w, int wOff, int vocab, int dim, int[] ids, int idOff, int n, float[] out) {
        for (int i = 0; i < n; i++) ReferenceBackend.checkId("embedding", ids[idOff + i], vocab, i);
        Parallel.forRange(n, Math.max(1, VectorElementwise.GRAIN / Math.max(1, dim)), (from, to) -> {
            for (int i = from; i < to; i++) System.arraycopy(w, wOff + ids[idOff + i] * dim, out, i * dim, dim);
        });
    }

    /**
     * gw[ids[i], :] += gy[i, :]. Repeated ids make rows collide, so threads split the columns instead of the ids:
     * each owns a slice of every row and adds the ids in order (the same summation order as a single thread).
     */
    static void embeddingBackward(float[] gy, int gOff, int[] ids, int idOff, int n, int vocab, int dim, float[] gw) {
        for (int i = 0; i < n; i++) ReferenceBackend.checkId("embedding backward", ids[idOff + i], vocab, i);
        int blocks = (dim + L - 1) / L;
        int grain = (long) n * dim < 2L * VectorElementwise.GRAIN ? Integer.MAX_VALUE : 1;
        Parallel.forRange(blocks, grain, (from, to) -> {
            int lo = from * L, hi = Math.min(dim, to * L);
            for (int i = 0; i < n; i++) {
                int src = gOff + i * dim, dst = ids[idOff + i] * dim;
                int j = lo;
                for (; j <= hi - L; j += L) {
                    FloatVector.fromArray(S, gw, dst + j).add(FloatVector.fromArray(S, gy, src + j)).intoArray(gw, dst + j);
                }
                if (j < hi) {
                    VectorMask<Float> m = S.indexInRange(j, hi);
                    FloatVector.fromArray(S, gw, dst + j, m).add(FloatVector.fromArray(S, gy, src + j, m)).intoArray(gw, dst + j, m);
                }
            }
        });
    }

    /** One AdamW step in float over n elements of dense arrays (see {@link Backend#adamw}). */
    static void adamw(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff, int n,
                      double lr, double beta1, double beta2, double eps, double weightDecay, double bc1, double bc2) {
        float decay = (float) (1 - lr * weightDecay), b1 = (float) beta1, b2 = (float) beta2;
        float c1 = (float) (1 - beta1), c2 = (float) (1 - beta2), e = (float) eps;
        float stepScale = (float) (lr / bc1), vScale = (float) (1 / bc2);
        Parallel.forRange(n, VectorElementwise.GRAIN, (from, to) -> {
            // Full vectors unmasked, then one masked tail: a mask on every vector cost ~2x in memory-bound passes.
            int i = from;
            for (; i <= to - L; i += L) {
                FloatVector gi = FloatVector.fromArray(S, g, gOff + i);
                FloatVector mi = FloatVector.fromArray(S, m, mOff + i).mul(b1).add(gi.mul(c1));
                FloatVector vi = FloatVector.fromArray(S, v, vOff + i).mul(b2).add(gi.mul(gi).mul(c2));
                mi.intoArray(m, mOff + i);
                vi.intoArray(v, vOff + i);
                FloatVector denom = vi.mul(vScale).lanewise(VectorOperators.SQRT).add(e);
                FloatVector pi = FloatVector.fromArray(S, p, pOff + i).mul(decay);
                pi.sub(mi.mul(stepScale).div(denom)).intoArray(p, pOff + i);
            }
            if (i < to) {
                VectorMask<Float> k = S.indexInRange(i, to);
                FloatVector gi = FloatVector.fromArray(S, g, gOff + i, k);
                FloatVector mi = FloatVector.fromArray(S, m, mOff + i, k).mul(b1).add(gi.mul(c1));
                FloatVector vi = FloatVector.fromArray(S, v, vOff + i, k).mul(b2).add(gi.mul(gi).mul(c2));
                mi.intoArray(m, mOff + i, k);
                vi.intoArray(v, vOff + i, k);
                FloatVector denom = vi.mul(vScale).lanewise(VectorOperators.SQRT).add(e);
                FloatVector pi = FloatVector.fromArray(S, p, pOff + i, k).mul(decay);
                pi.sub(mi.mul(stepScale).div(denom)).intoArray(p, pOff + i, k);
            }
        });
    }

    private static final VectorSpecies<Long> LS = LongVector.SPECIES_PREFERRED;
    /** Floats written per group of long lanes (8 with AVX-512). */
    private static final VectorSpecies<Float> FS = VectorSpecies.of(float.class, VectorShape.forBitSize(LS.vectorBitSize() / 2));

    /**
     * The same counter-based draws as {@link ReferenceBackend#dropoutKeeps}, so masks match bit for bit: SplitMix64
     * of seed + golden * (i + 1) in long lanes, then "u = (bits >>> 40) * 2^-24 >= p" evaluated exactly as the
     * integer test "bits >>> 40 >= ceil(p * 2^24)" (p * 2^24 is exact in double, and the 24-bit draw is an integer).
     */
    static void dropoutMask(float[] out, double p, long seed) {
        dropout(null, 0, out, out.length, p, seed);
    }

    /**
     * out[i] = x[i] * mask[i] for i < n (mask as in dropoutMask), or the mask itself when x is null: applying dropout
     * this way needs no mask tensor, and the backward pass regenerates the mask from the seed.
     */
    static void dropout(float[] x, int xOff, float[] out, int n, double p, long seed) {
        float keep = (float) (1 / (1 - p));
        long threshold = (long) Math.ceil(p * 0x1.0p24);
        int lanes = LS.length();
        long[] ramp = new long[lanes];
        for (int j = 0; j < lanes; j++) ramp[j] = j;
        LongVector laneIndex = LongVector.fromArray(LS, ramp, 0);
        Parallel.forRange(n, VectorElementwise.GRAIN / 4, (from, to) -> {
            int i = from;
            // seed + golden * (i + 1) for each lane, advanced by golden * lanes per step: the same values mod 2^64 as
            // multiplying, with one 64-bit lane multiply fewer (AVX2 has none: C2 builds each from 32-bit ones).
            LongVector counter = laneIndex.add(from + 1L).mul(Rng.STEP).add(seed);
            long step = Rng.STEP * lanes;
            for (; i <= to - lanes; i += lanes, counter = counter.add(step)) {
                LongVector z = counter;
                z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 30)).mul(0xBF58476D1CE4E5B9L);
                z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 27)).mul(0x94D049BB133111EBL);
                z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 31));
                VectorMask<Float> kept = z.lanewise(VectorOperators.LSHR, 40).compare(VectorOperators.GE, threshold).cast(FS);
                FloatVector mask = FloatVector.zero(FS).blend(keep, kept);
                if (x != null) mask = FloatVector.fromArray(FS, x, xOff + i).mul(mask);
                mask.intoArray(out, i);
            }
            for (; i < to; i++) {
                float mask = ReferenceBackend.dropoutKeeps(seed, i, p) ? keep : 0f;
                out[i] = x != null ? x[xOff + i] * mask : mask;
            }
        });
    }
}
