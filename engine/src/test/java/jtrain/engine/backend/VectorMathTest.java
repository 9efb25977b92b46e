package jtrain.engine.backend;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

import jdk.incubator.vector.FloatVector;

/** The Vector API exp/tanh built from exactly rounded operations are accurate to a few ulp of float. */
class VectorMathTest {
    static final int L = VectorMath.S.length();

    static float[] apply(java.util.function.UnaryOperator<FloatVector> f, float[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i += L) f.apply(FloatVector.fromArray(VectorMath.S, x, i)).intoArray(out, i);
        return out;
    }

    @Test
    void expIsWithinThreeUlpOverTheWholeFloatRange() {
        int n = 200_000 / L * L;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = -87f + 175f * i / n;
        float[] e = apply(VectorMath::exp, x);
        for (int i = 0; i < n; i++) {
            double want = Math.exp(x[i]);
            assertTrue(Math.abs(e[i] - want) <= 3 * Math.ulp((float) want), "exp(" + x[i] + ") = " + e[i] + ", want " + want);
        }
    }

    @Test
    void expEdgeCases() {
        float[] x = new float[L];
        x[0] = -1e30f;
        x[1] = 1e30f;
        x[2] = Float.NaN;
        x[3] = 0f;
        float[] e = apply(VectorMath::exp, x);
        assertEquals(0f, e[0]);
        assertEquals(Float.POSITIVE_INFINITY, e[1]);
        assertTrue(Float.isNaN(e[2]));
        assertEquals(1f, e[3]);
    }

    @Test
    void tanhIsCloseToMathTanh() {
        float[] x = new float[L * 1000];
        for (int i = 0; i < x.length; i++) x[i] = -10f + 20f * i / x.length;
        float[] t = apply(VectorMath::tanh, x);
        for (int i = 0; i < x.length; i++) assertEquals(Math.tanh(x[i]), t[i], 2e-7, "tanh(" + x[i] + ")");
    }
}
