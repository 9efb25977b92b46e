package jtrain.engine.backend;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The exact (erf) GELU and its backward pass over dense spans. Each has a loop of its own: inside the generic
 * elementwise switch, C2 ran out of its node budget before inlining all of erf and exp, and every vector passed to
 * the call it left behind was boxed (a heap object per 16 floats), which made GELU about as slow as a GEMM pass.
 */
final class VectorGelu {
    private VectorGelu() {}

    private static final VectorSpecies<Float> S = VectorMath.S;
    private static final int L = S.length();

    /** out[oo + i] = GELU(x[xo + i]) for i < n. */
    static void forward(float[] x, int xo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            VectorMath.gelu(FloatVector.fromArray(S, x, xo + i, m)).intoArray(out, oo + i, m);
        }
    }

    /** out[oo + i] = g[go + i] * GELU'(x[xo + i]) for i < n; out may alias g. */
    static void backward(float[] x, int xo, float[] g, int go, float[] out, int oo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector d = VectorMath.geluDerivative(FloatVector.fromArray(S, x, xo + i, m));
            FloatVector.fromArray(S, g, go + i, m).mul(d).intoArray(out, oo + i, m);
        }
    }
}
