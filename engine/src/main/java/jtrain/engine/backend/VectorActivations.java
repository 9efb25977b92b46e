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

    private static void geluTanh(float[] x, int xo, float[] out, int oo, int n, float c2, float c2k) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            VectorMath.geluTanh(FloatVector.fromArray(S, x, xo + i, m), c2, c2k).intoArray(out, oo + i, m);
        }
    }

    private static void geluTanhBackward(float[] x, int xo, float[] g, int go, float[] out, int oo, int n, float c2, float c2k) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector d = VectorMath.geluTanhDerivative(FloatVector.fromArray(S, x, xo + i, m), c2, c2k);
            FloatVector.fromArray(S, g, go + i, m).mul(d).intoArray(out, oo + i, m);
        }
    }

    private static void swish(float[] x, int xo, float[] out, int oo, int n, float c) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            VectorMath.swish(FloatVector.fromArray(S, x, xo + i, m), c).intoArray(out, oo + i, m);
        }
    }

    private static void swishBackward(float[] x, int xo, float[] g, int go, float[] out, int oo, int n, float c) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector d = VectorMath.swishDerivative(FloatVector.fromArray(S, x, xo + i, m), c);
            FloatVector.fromArray(S, g, go + i, m).mul(d).intoArray(out, oo + i, m);
        }
    }
}
