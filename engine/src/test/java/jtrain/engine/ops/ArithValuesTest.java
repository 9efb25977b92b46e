package jtrain.engine.ops;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

import jtrain.engine.Erf;
import jtrain.engine.Tensor;

/** Forward values of the elementwise ops on small literal arrays, with broadcasting. */
class ArithValuesTest {
    private final Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);

    @Test
    void broadcastingBinaryOps() {
        Tensor row = Tensor.of(new float[] {10, 20, 30}, 3), col = Tensor.of(new float[] {1, 2}, 2, 1);
        assertArrayEquals(new float[] {11, 22, 33, 14, 25, 36}, a.add(row).toFloatArray());
        assertArrayEquals(new float[] {0, 1, 2, 2, 3, 4}, a.sub(col).toFloatArray());
        assertArrayEquals(new float[] {1, 2, 3, 8, 10, 12}, a.mul(col).toFloatArray());
        assertArrayEquals(new float[] {0.1f, 0.1f, 0.1f, 0.4f, 0.25f, 0.2f}, a.div(row).toFloatArray(), 1e-7f);
        Tensor outer = col.mul(row); // (2,1) * (3) -> (2,3)
        assertArrayEquals(new int[] {2, 3}, outer.shape());
        assertArrayEquals(new float[] {10, 20, 30, 20, 40, 60}, outer.toFloatArray());
        Tensor s = Tensor.of(new float[] {1, 2, 3}, 3, 1, 1).add(Tensor.of(new float[] {10, 20, 30, 40, 50, 60, 70, 80}, 2, 4));
        assertArrayEquals(new int[] {3, 2, 4}, s.shape(), "(3,1,1)+(2,4) broadcasts to (3,2,4)");
        assertEquals(83, s.get(2, 1, 3));
    }

    @Test
    void scalarShorthands() {
        assertArrayEquals(new float[] {3, 4, 5, 6, 7, 8}, a.add(2).toFloatArray());
        assertArrayEquals(new float[] {-1, 0, 1, 2, 3, 4}, a.sub(2).toFloatArray());
        assertArrayEquals(new float[] {2, 4, 6, 8, 10, 12}, a.mul(2).toFloatArray());
        assertArrayEquals(new float[] {0.5f, 1, 1.5f, 2, 2.5f, 3}, a.div(2).toFloatArray());
        assertArrayEquals(new float[] {-1, -2, -3, -4, -5, -6}, a.neg().toFloatArray());
    }

    @Test
    void unaryMath() {
        Tensor x = Tensor.of(new float[] {1, 4, 9});
        assertArrayEquals(new float[] {1, 2, 3}, x.sqrt().toFloatArray());
        assertArrayEquals(new float[] {1, 16, 81}, x.pow(2).toFloatArray());
        assertArrayEquals(new float[] {1, 0.5f, 1 / 3f}, x.pow(-0.5).toFloatArray(), 1e-7f);
        assertArrayEquals(new float[] {0, (float) Math.log(4), (float) Math.log(9)}, x.log().toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {1, (float) Math.E}, Tensor.of(new float[] {0, 1}).exp().toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {0, (float) Math.tanh(1), -1}, Tensor.of(new float[] {0, 1, -100}).tanh().toFloatArray(), 1e-7f);
        // GELU (erf form): 0 at 0, x*Phi(x); ~x for large x, ~0 for very negative x.
        float[] g = Tensor.of(new float[] {0, 1, -1, 10, -10}).gelu().toFloatArray();
        assertArrayEquals(new float[] {0, 0.8413447f, -0.15865526f, 10, 0}, g, 1e-6f);
        // erf against reference values (C's erf), across the series' range and beyond its cut-off at 6.
        double[][] erf = {{0.1, 0.1124629160182849}, {0.5, 0.5204998778130465}, {1, 0.8427007929497149},
                {2, 0.9953222650189527}, {3, 0.9999779095030014}, {4.5, 0.9999999998033839}, {-2.5, -0.999593047982555},
                {0, 0}, {7, 1}, {-30, -1}};
        for (double[] e : erf) assertEquals(e[1], Erf.erf(e[0]), 2e-15, "erf(" + e[0] + ")");
    }

    @Test
    void reluKeepsThePositivePartAndPassesNoGradientAtZero() {
        Tensor x = Tensor.of(new float[] {-2, 0, 3, Float.NaN}).requiresGrad(true);
        Tensor r = x.relu();
        assertArrayEquals(new float[] {0, 0, 3, Float.NaN}, r.toFloatArray(), "NaN stays NaN, as in torch");
        r.slice(0, 0, 3).sum().backward();
        assertArrayEquals(new float[] {0, 0, 1, 0}, x.grad().toFloatArray(), "relu'(0) = 0, as torch");
    }

    @Test
    void sigmoidValuesAndAFiniteGradientWhereExpOverflows() {
        // 1 / (1 + e^-x): 0.5 at 0, 1/(1+e^-2) = 0.880797; far out 0 (e^100 overflows F32) and 1, never NaN.
        Tensor x = Tensor.of(new float[] {0, 2, -2, -100, 100, -1000}).requiresGrad(true);
        Tensor s = x.sigmoid();
        assertArrayEquals(new float[] {0.5f, 0.88079708f, 0.11920292f, 0, 1, 0}, s.toFloatArray(), 1e-7f);
        s.sum().backward();
        // s (1 - s): 0.25 at 0, 0.104994 at +-2, and 0 (not NaN: e^1000 overflows) far out.
        assertArrayEquals(new float[] {0.25f, 0.10499359f, 0.10499359f, 0, 0, 0}, x.grad().toFloatArray(), 1e-7f);
    }

    @Test
    void geluTanhValuesAndFiniteGradientsFarOut() {
        // 0.5 x (1 + tanh(c (x + 0.044715 x^3))), c = sqrt(2/pi): values and derivatives from Python's math module.
        // Far out the result is x or 0 and the gradient 1 or 0, never NaN: not where exp(2|u|) overflows (|x| >= 10),
        // nor where x^3 (|x| = 1e13) or x^2 (|x| = 1e20) overflows float.
        Tensor x = Tensor.of(new float[] {0, 1, -1, 3, -3, 10, -10, 1e13f, -1e13f, 1e20f, -1e20f}).requiresGrad(true);
        Tensor y = x.geluTanh(Math.sqrt(2 / Math.PI));
        assertArrayEquals(new float[] {0, 0.84119199f, -0.15880801f, 2.9963626f, -0.0036373921f, 10, 0, 1e13f, 0, 1e20f, 0},
                y.toFloatArray(), 2e-7f);
        y.sum().backward();
        assertArrayEquals(new float[] {0.5f, 1.0829641f, -0.082964084f, 1.0115842f, -0.011584167f, 1, 0, 1, 0, 1, 0},
                x.grad().toFloatArray(), 2e-7f);
    }

    @Test
    void swishValuesAndFiniteGradientsFarOut() {
        // x sigmoid(beta x) and sigmoid(beta x) + beta x sigmoid(beta x) (1 - sigmoid(beta x)), from Python's math
        // module, for SiLU (beta = 1) and quick_gelu (1.702); where exp(beta |x|) overflows, x or 0 and 1 or 0.
        float[] points = {0, 1, -1, 2, -2, 100, -1000, 3e38f};
        double[][] expected = {
                {0, 0.7310585786300049, -0.2689414213699951, 1.7615941559557646, -0.2384058440442351, 100, 0, 3e38},
                {0.5, 0.9276705118714867, 0.07232948812851325, 1.0907842487848955, -0.09078424878489547, 1, 0, 1},
                {0, 0.8457957659328212, -0.1542042340671787, 1.9356586231442083, -0.06434137685579186, 100, 0, 3e38},
                {0.5, 1.067779606556334, -0.06777960655633405, 1.0738153543085418, -0.07381535430854194, 1, 0, 1}};
        double[] betas = {1, 1.702};
        for (int b = 0; b < 2; b++) {
            Tensor x = Tensor.of(points).requiresGrad(true);
            Tensor y = x.swish(betas[b]);
            float[] v = y.toFloatArray();
            y.sum().backward();
            float[] g = x.grad().toFloatArray();
            for (int i = 0; i < points.length; i++) {
                assertEquals(expected[2 * b][i], v[i], 2e-7 * Math.max(1, Math.abs(expected[2 * b][i])), "swish(" + betas[b] + ") at " + points[i]);
                assertEquals(expected[2 * b + 1][i], g[i], 2e-7, "swish(" + betas[b] + ")' at " + points[i]);
            }
        }
    }

    @Test
    void maximumPicksTheLargerAndSendsTiesToTheFirst() {
        Tensor x = Tensor.of(new float[] {1, 5, 3}).requiresGrad(true), y = Tensor.of(new float[] {2, 4, 3}).requiresGrad(true);
        Tensor m = Arith.maximum(x, y);
        assertArrayEquals(new float[] {2, 5, 3}, m.toFloatArray());
        m.sum().backward();
        assertArrayEquals(new float[] {0, 1, 1}, x.grad().toFloatArray());
        assertArrayEquals(new float[] {1, 0, 0}, y.grad().toFloatArray());
    }

    @Test
    void resultsAreNewTensorsAndLeaveInputsUnchanged() {
        Tensor b = a.add(1);
        assertNotSame(a.storage(), b.storage());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, a.toFloatArray());
        Tensor t = a.transpose(0, 1).mul(1);
        assertTrue(t.isContiguous(), "elementwise results are contiguous even for strided inputs");
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, t.toFloatArray());
    }
}
