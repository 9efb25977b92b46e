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
        int full = n - n % L;
        for (int i = 0; i < full; i += L) VectorMath.gelu(FloatVector.fromArray(S, x, xo + i)).intoArray(out, oo + i);
        if (full < n) forwardTail(x, xo + full, out, oo + full, n - full);
    }

    /**
     * The last n < L elements, masked. Full vectors go unmasked because masked loads and stores on every vector made
     * the loop 1.5x slower on an AVX2 machine (which has no mask registers); the tail has a method of its own so that
     * the loop's compilation inlines GELU's body only once (see the class comment).
     */
    private static void forwardTail(float[] x, int xo, float[] out, int oo, int n) {
        VectorMask<Float> m = S.indexInRange(0, n);
        VectorMath.gelu(FloatVector.fromArray(S, x, xo, m)).intoArray(out, oo, m);
    }

    /** out[oo + i] = g[go + i] * GELU'(x[xo + i]) for i < n; out may alias g. Full vectors, then the tail (above). */
    static void backward(float[] x, int xo, float[] g, int go, float[] out, int oo, int n) {
        int full = n - n % L;
        for (int i = 0; i < full; i += L) {
            FloatVector d = VectorMath.geluDerivative(FloatVector.fromArray(S, x, xo + i));
            FloatVector.fromArray(S, g, go + i).mul(d).intoArray(out, oo + i);
        }
        if (full < n) backwardTail(x, xo + full, g, go + full, out, oo + full, n - full);
    }

    private static void backwardTail(float[] x, int xo, float[] g, int go, float[] out, int oo, int n) {
        VectorMask<Float> m = S.indexInRange(0, n);
        FloatVector d = VectorMath.geluDerivative(FloatVector.fromArray(S, x, xo, m));
        FloatVector.fromArray(S, g, go, m).mul(d).intoArray(out, oo, m);
    }
}
