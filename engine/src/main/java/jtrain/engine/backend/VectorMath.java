package jtrain.engine.backend;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vectorised special functions in float that the Vector API lacks: the normal CDF (through erfc) for the exact
 * GELU and its derivative, and exp/tanh that give the same bits interpreted and compiled (see exp).
 */
final class VectorMath {
    private VectorMath() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    // Abramowitz & Stegun 7.1.26: erfc(y) = t (a1 + t (a2 + t (a3 + t (a4 + t a5)))) exp(-y^2), t = 1 / (1 + p y),
    // for y >= 0, with absolute error below 1.5e-7. Using erfc for the tail keeps Phi accurate for negative x too.
    private static final float P = 0.3275911f;
    // Halved (exactly: powers of two), since Phi needs 0.5 erfc. In float, with the rounding of each step, GELU is
    // within 4.8e-7 and GELU' within 3.0e-7 of the reference backend's double-precision erf forms (measured on 4.8M
    // points of [-12, 12], the same as the earlier mul/add version); VectorBackendTest checks 1e-6 beyond one ulp.
    // A rational erf without exp (x P(x^2) / Q(x^2), degree 5/5, 1.5e-8 in exact arithmetic) would save the exp in
    // the forward pass, but in float Phi = 0.5 + (a ratio near -0.5) loses ~1.7e-7 in the tail, so GELU(-5.4)
    // would be off by ~9.5e-7 (simulated); erfc times exp keeps the tail's error relative.
    private static final float B1 = 0.254829592f / 2, B2 = -0.284496736f / 2, B3 = 1.421413741f / 2,
            B4 = -1.453152027f / 2, B5 = 1.061405429f / 2;
    private static final float INV_SQRT2 = (float) (1 / Math.sqrt(2)), INV_SQRT_2PI = (float) (1 / Math.sqrt(2 * Math.PI));

    /**
     * The sum of the lanes, left to right. reduceLanes(ADD) leaves the order unspecified, and the order differs
     * between interpreted and JIT-compiled code, so two identical runs could differ in the last bits; training must
     * be repeatable (exact resume), so every float sum over lanes goes through here.
     */
    static float sumLanes(FloatVector v) {
        float[] lanes = v.toArray();
        float s = 0;
        for (float x : lanes) s += x;
        return s;
    }

    // exp(x) = 2^n * exp(r) with n = round(x / ln 2) and |r| <= ln(2)/2; exp(r) by its Taylor series to r^7
    // (truncation error below 3e-9 relative). Only add, mul, fma and integer ops: these are exactly rounded, so the
    // result is the same whether the Vector API code runs interpreted or JIT-compiled, unlike lanewise(EXP), whose
    // interpreted fallback and compiled intrinsic round differently (which made repeated runs differ).
    private static final float LOG2E = 1.44269504f, LN2_HI = 0.693145752f, LN2_LO = 1.42860677e-6f;
    private static final float ROUND_MAGIC = 12582912f; // 1.5 * 2^23: adding and subtracting it rounds to an integer
    /** ln of the largest float (e^x overflows above it) and of the smallest normal float. */
    private static final float EXP_MAX = 88.72283935546875f, EXP_MIN = -87.33654475f;

    /** e^x in float, within about 2 ulp; 0 below e^-87.3 and +Infinity where e^x exceeds the float range (NaN stays NaN). */
    static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(EXP_MIN).min(EXP_MAX);
        FloatVector n = xc.fma(LOG2E, ROUND_MAGIC).sub(ROUND_MAGIC);
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), xc);
        r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector p = taylor7(r);
        // n reaches 128 just below the overflow, where 2^n has no float exponent: then 2^127 * 2 (both exact).
        FloatVector scale = ((IntVector) n.min(127f).convert(VectorOperators.F2I, 0)).add(127)
                .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector e = p.mul(scale).mul(FloatVector.broadcast(S, 1f).blend(2f, n.compare(VectorOperators.GT, 127f)));
        e = e.blend(0f, x.compare(VectorOperators.LT, EXP_MIN));
        e = e.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, EXP_MAX));
        return e.blend(x, x.compare(VectorOperators.NE, x)); // NaN in, NaN out
    }

    /** exp(r) for |r| <= ln(2)/2 by its Taylor series to r^7, in fused multiply-adds (Horner). */
    private static FloatVector taylor7(FloatVector r) {
        return r.fma(1f / 5040, 1f / 720).fma(r, FloatVector.broadcast(S, 1f / 120)).fma(r, FloatVector.broadcast(S, 1f / 24))
                .fma(r, FloatVector.broadcast(S, 1f / 6)).fma(r, FloatVector.broadcast(S, 0.5f))
                .fma(r, FloatVector.broadcast(S, 1f)).fma(r, FloatVector.broadcast(S, 1f));
    }

    /**
     * tanh(x) = 1 - 2 / (e^(2x) + 1) through the deterministic exp, except for |x| < 0.625, where that difference
     * cancels (tanh(1e-6) would lose most of its digits): there Cephes' odd polynomial x + x^3 P(x^2).
     */
    static FloatVector tanh(FloatVector x) {
        FloatVector far = FloatVector.broadcast(S, 1f).sub(FloatVector.broadcast(S, 2f).div(exp(x.mul(2f)).add(1f)));
        FloatVector z = x.mul(x);
        FloatVector near = z.mul(-5.70498872745e-3f).add(2.06390887954e-2f).mul(z).add(-5.37397155531e-2f).mul(z)
                .add(1.33314422036e-1f).mul(z).add(-3.33332819422e-1f).mul(z).mul(x).add(x);
        return far.blend(near, x.abs().compare(VectorOperators.LT, 0.625f));
    }

    /**
     * exp(-x^2/2), needed by both Phi and the GELU derivative: exp's steps, with fused multiply-adds (also exactly
     * rounded, so still the same bits interpreted and compiled) and without the overflow handling that a
     * non-positive argument never needs. Kept small so that C2 inlines the whole GELU into one loop (see
     * {@link VectorGelu}). NaN stays NaN (max and the arithmetic propagate it).
     */
    private static FloatVector gaussian(FloatVector x) {
        FloatVector a = x.mul(x).mul(-0.5f), ac = a.max(EXP_MIN);
        FloatVector n = ac.fma(LOG2E, ROUND_MAGIC).sub(ROUND_MAGIC);
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), ac);
        r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector p = taylor7(r);
        FloatVector scale = ((IntVector) n.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23)
                .reinterpretAsFloats(); // n >= -126 here: a normal power of two
        return p.mul(scale).blend(0f, a.compare(VectorOperators.LT, EXP_MIN));
    }

    /**
     * Phi(x) = 0.5 (1 + erf(x / sqrt 2)) given g = exp(-x^2/2), from A&S 7.1.26 with the 0.5 folded into the
     * coefficients: Phi(-|x|) = 0.5 erfc(|x| / sqrt 2) = t (b1 + t (b2 + ... + t b5)) g, t = 1 / (1 + p |x| / sqrt 2).
     */
    private static FloatVector phi(FloatVector x, FloatVector g) {
        FloatVector t = FloatVector.broadcast(S, 1f).div(x.abs().fma(INV_SQRT2 * P, 1f));
        FloatVector q = t.fma(B5, B4).fma(t, FloatVector.broadcast(S, B3)).fma(t, FloatVector.broadcast(S, B2))
                .fma(t, FloatVector.broadcast(S, B1)).mul(t);
        FloatVector tail = q.mul(g); // Phi(-|x|)
        return FloatVector.broadcast(S, 1f).sub(tail).blend(tail, x.compare(VectorOperators.LT, 0f));
    }

    /** GELU(x) = x Phi(x), the exact (erf) form. */
    static FloatVector gelu(FloatVector x) {
        return x.mul(phi(x, gaussian(x)));
    }

    /** d/dx GELU(x) = Phi(x) + x phi(x), with phi the standard normal density. */
    static FloatVector geluDerivative(FloatVector x) {
        FloatVector g = gaussian(x);
        return x.mul(g).fma(FloatVector.broadcast(S, INV_SQRT_2PI), phi(x, g));
    }
}
