package jtrain.engine.backend;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import jtrain.engine.backend.Backend.Activation;

/**
 * GELU's tanh approximation and swish (see {@link Activation}) and their backward passes over dense spans, one loop
 * per formula for the reason {@link VectorGelu} gives: a body C2 cannot inline whole boxes its vectors.
 */
final class VectorActivations {
    private VectorActivations() {}

    private static final VectorSpecies<Float> S = VectorMath.S;
    private static final int L = S.length();

    /** out[oo + i] = op(x[xo + i]) for i < n. */
    static void forward(Activation op, double c, float[] x, int xo, float[] out, int oo, int n) {
        switch (op) {
            case GELU_TANH -> geluTanh(x, xo, out, oo, n, (float) (2 * c), (float) (2 * c * ReferenceBackend.GELU_TANH_CUBIC));
            case SWISH -> swish(x, xo, out, oo, n, (float) c);
        }
    }

    /** out[oo + i] = g[go + i] * op'(x[xo + i]) for i < n; out may alias g. */
    static void backward(Activation op, double c, float[] x, int xo, float[] g, int go, float[] out, int oo, int n) {
        switch (op) {
            case GELU_TANH -> geluTanhBackward(x, xo, g, go, out, oo, n, (float) (2 * c), (float) (2 * c * ReferenceBackend.GELU_TANH_CUBIC));
            case SWISH -> swishBackward(x, xo, g, go, out, oo, n, (float) c);
        }
    }

    // Each loop: full vectors unmasked, then the tail masked in a method of its own (as VectorGelu, and for its reasons).

    private static void geluTanh(float[] x, int xo, float[] out, int oo, int n, float c2, float c2k) {
        int full = n - n % L;
        for (int i = 0; i < full; i += L) VectorMath.geluTanh(FloatVector.fromArray(S, x, xo + i), c2, c2k).intoArray(out, oo + i);
        if (full < n) geluTanhTail(x, xo + full, out, oo + full, n - full, c2, c2k);
    }

    private static void geluTanhTail(float[] x, int xo, float[] out, int oo, int n, float c2, float c2k) {
        VectorMask<Float> m = S.indexInRange(0, n);
        VectorMath.geluTanh(FloatVector.fromArray(S, x, xo, m), c2, c2k).intoArray(out, oo, m);
    }

    private static void geluTanhBackward(float[] x, int xo, float[] g, int go, float[] out, int oo, int n, float c2, float c2k) {
        int full = n - n % L;
        for (int i = 0; i < full; i += L) {
            FloatVector d = VectorMath.geluTanhDerivative(FloatVector.fromArray(S, x, xo + i), c2, c2k);
            FloatVector.fromArray(S, g, go + i).mul(d).intoArray(out, oo + i);
        }
        if (full < n) geluTanhBackwardTail(x, xo + full, g, go + full, out, oo + full, n - full, c2, c2k);
    }

    private static void geluTanhBackwardTail(float[] x, int xo, float[] g, int go, float[] out, int oo, int n, float c2, float c2k) {
        VectorMask<Float> m = S.indexInRange(0, n);
        FloatVector d = VectorMath.geluTanhDerivative(FloatVector.fromArray(S, x, xo, m), c2, c2k);
        FloatVector.fromArray(S, g, go, m).mul(d).intoArray(out, oo, m);
    }

    private static void swish(float[] x, int xo, float[] out, int oo, int n, float c) {
        int full = n - n % L;
        for (int i = 0; i < full; i += L) VectorMath.swish(FloatVector.fromArray(S, x, xo + i), c).intoArray(out, oo + i);
        if (full < n) swishTail(x, xo + full, out, oo + full, n - full, c);
    }

    private static void swishTail(float[] x, int xo, float[] out, int oo, int n, float c) {
        VectorMask<Float> m = S.indexInRange(0, n);
        VectorMath.swish(FloatVector.fromArray(S, x, xo, m), c).intoArray(out, oo, m);
    }

    private static void swishBackward(float[] x, int xo, float[] g, int go, float[] out, int oo, int n, float c) {
        int full = n - n % L;
        for (int i = 0; i < full; i += L) {
            FloatVector d = VectorMath.swishDerivative(FloatVector.fromArray(S, x, xo + i), c);
            FloatVector.fromArray(S, g, go + i).mul(d).intoArray(out, oo + i);
        }
        if (full < n) swishBackwardTail(x, xo + full, g, go + full, out, oo + full, n - full, c);
    }

    private static void swishBackwardTail(float[] x, int xo, float[] g, int go, float[] out, int oo, int n, float c) {
        VectorMask<Float> m = S.indexInRange(0, n);
        FloatVector d = VectorMath.swishDerivative(FloatVector.fromArray(S, x, xo, m), c);
        FloatVector.fromArray(S, g, go, m).mul(d).intoArray(out, oo, m);
    }
}
