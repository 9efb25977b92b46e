package jtrain.engine.backend;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vectorised special functions in float that the Vector API lacks: the normal CDF (through erfc) for the exact
 * GELU and its derivative. exp, log and tanh come from the Vector API itself (SVML on x86).
 */
final class VectorMath {
    private VectorMath() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    // Abramowitz & Stegun 7.1.26: erfc(y) = t (a1 + t (a2 + t (a3 + t (a4 + t a5)))) exp(-y^2), t = 1 / (1 + p y),
    // for y >= 0, with absolute error below 1.5e-7. Using erfc for the tail keeps Phi accurate for negative x too.
    private static final float P = 0.3275911f;
    private static final float A1 = 0.254829592f, A2 = -0.284496736f, A3 = 1.421413741f, A4 = -1.453152027f,
            A5 = 1.061405429f;
    private static final float INV_SQRT2 = (float) (1 / Math.sqrt(2)), INV_SQRT_2PI = (float) (1 / Math.sqrt(2 * Math.PI));

    /** exp(-x^2/2), needed by both Phi and the GELU derivative. */
    private static FloatVector gaussian(FloatVector x) {
        return x.mul(x).mul(-0.5f).lanewise(VectorOperators.EXP);
    }

    /** Phi(x) = 0.5 (1 + erf(x / sqrt 2)) given g = exp(-x^2/2). */
    private static FloatVector phi(FloatVector x, FloatVector g) {
        FloatVector t = FloatVector.broadcast(S, 1f).div(x.abs().mul(INV_SQRT2 * P).add(1f));
        FloatVector q = t.mul(A5).add(A4).mul(t).add(A3).mul(t).add(A2).mul(t).add(A1).mul(t);
        FloatVector half = q.mul(g).mul(0.5f); // 0.5 erfc(|x| / sqrt 2) = Phi(-|x|)
        VectorMask<Float> negative = x.compare(VectorOperators.LT, 0f);
        return half.neg().add(1f).blend(half, negative);
    }

    /** GELU(x) = x Phi(x), the exact (erf) form. */
    static FloatVector gelu(FloatVector x) {
        return x.mul(phi(x, gaussian(x)));
    }

    /** d/dx GELU(x) = Phi(x) + x phi(x), with phi the standard normal density. */
    static FloatVector geluDerivative(FloatVector x) {
        FloatVector g = gaussian(x);
        return phi(x, g).add(x.mul(g).mul(INV_SQRT_2PI));
    }
}
