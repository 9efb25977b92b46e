package jtrain.engine.backend;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vectorised special functions in float that the Vector API lacks: the normal CDF (through erfc) for the exact
 * GELU and its derivative, the sigmoid behind the tanh GELU and swish, and exp/tanh that give the same bits
 * interpreted and compiled (see exp).
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
        return expNonPositive(x.mul(x).mul(-0.5f));
    }

    /** e^a for a <= 0 (or NaN): exp's steps without the overflow handling (see {@link #gaussian}); 0 below e^-87.3. */
    private static FloatVector expNonPositive(FloatVector a) {
        FloatVector ac = a.max(EXP_MIN);
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

    // ---- x sigmoid(z(x)): GELU's tanh approximation and swish ----------------------------------------------------
    // Both are x s with s = sigmoid(z): swish has z = c x, and the tanh GELU z = 2c (x + k x^3), since
    // 0.5 (1 + tanh u) = sigmoid(2u). From e = exp(-|z|) <= 1, s = 1 / (1 + e) for z >= 0 and e / (1 + e) below, and
    // s (1 - s) = e / (1 + e)^2: nothing overflows, and there is no 1 + tanh(u) to cancel in float for negative u.
    // The derivative is s + x s (1 - s) z'.

    /** sigmoid(z), given e = exp(-|z|) and r = 1 / (1 + e). */
    private static FloatVector sigmoid(FloatVector z, FloatVector e, FloatVector r) {
        return r.blend(e.mul(r), z.compare(VectorOperators.LT, 0f));
    }

    private static FloatVector expNegAbs(FloatVector z) {
        return expNonPositive(z.abs().neg());
    }

    private static FloatVector reciprocalOnePlus(FloatVector e) {
        return FloatVector.broadcast(S, 1f).div(e.add(1f));
    }

    /** 0.5 x (1 + tanh(c (x + k x^3))) as x sigmoid(x (c2 + c2k x^2)), c2 = 2c and c2k = 2ck. */
    static FloatVector geluTanh(FloatVector x, float c2, float c2k) {
        FloatVector z = x.mul(x).fma(c2k, c2).mul(x), e = expNegAbs(z);
        return x.mul(sigmoid(z, e, reciprocalOnePlus(e)));
    }

    /**
     * d/dx of {@link #geluTanh}: s + x s (1 - s) (c2 + 3 c2k x^2). x^2 is capped at 1e30 in z' so that it stays
     * finite where x^2 overflows: there s (1 - s) is exactly 0, and so must the second term be (x = +-infinity
     * gives NaN, as in the reference).
     */
    static FloatVector geluTanhDerivative(FloatVector x, float c2, float c2k) {
        FloatVector x2 = x.mul(x), z = x2.fma(c2k, c2).mul(x), e = expNegAbs(z), r = reciprocalOnePlus(e);
        FloatVector dz = x2.min(1e30f).fma(3 * c2k, c2);
        return x.mul(e.mul(r).mul(r)).fma(dz, sigmoid(z, e, r));
    }

    /** x sigmoid(c x). */
    static FloatVector swish(FloatVector x, float c) {
        FloatVector z = x.mul(c), e = expNegAbs(z);
        return x.mul(sigmoid(z, e, reciprocalOnePlus(e)));
    }

    /** d/dx of {@link #swish}: s + c x s (1 - s), with x s (1 - s) first (c x may overflow where s (1 - s) is 0). */
    static FloatVector swishDerivative(FloatVector x, float c) {
        FloatVector z = x.mul(c), e = expNegAbs(z), r = reciprocalOnePlus(e);
        return x.mul(e.mul(r).mul(r)).fma(FloatVector.broadcast(S, c), sigmoid(z, e, r));
    }
}
