package jtrain.engine.ops;

import static jtrain.engine.GradCheck.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

import jtrain.engine.DType;
import jtrain.engine.ShapeException;
import jtrain.engine.Tensor;

/** Mean squared error and binary cross-entropy on logits: values from their formulas, gradients against finite differences. */
class LossesTest {
    @Test
    void mseIsTheMeanOfSquaredDifferences() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2).requiresGrad(true), y = Tensor.of(new float[] {1, 0, 5, 3}, 2, 2);
        Tensor loss = Losses.mse(x, y);
        assertEquals((0 + 4 + 4 + 1) / 4.0, loss.item(), 1e-6);
        loss.backward();
        // d/dx mean((x - y)^2) = 2 (x - y) / n
        assertArrayEquals(new float[] {0, 1, -1, 0.5f}, x.grad().toFloatArray(), 1e-6f);
    }

    @Test
    void bceWithLogitsMatchesItsTextbookFormulaAndStaysFiniteFarOut() {
        double[] x = {0, 2, -2, 0.5, 40, -40, 100, -100};
        double[] y = {1, 0, 1, 0.3, 1, 1, 0, 0};
        Tensor loss = Losses.binaryCrossEntropyWithLogits(Tensor.of(x, x.length), Tensor.of(y, y.length));
        double expected = 0;
        for (int i = 0; i < x.length; i++) { // log1p and the sign split keep the reference exact in double
            double softplusMinusAbs = Math.log1p(Math.exp(-Math.abs(x[i])));
            expected += Math.max(x[i], 0) - x[i] * y[i] + softplusMinusAbs;
        }
        expected /= x.length;
        assertEquals(expected, loss.item(), 1e-12);
        // e.g. x = -40, y = 1 costs 40 (not inf): -log sigmoid(-40) = 40 + log(1 + e^-40)
        Tensor far = Losses.binaryCrossEntropyWithLogits(Tensor.of(new float[] {-40}, 1), Tensor.of(new float[] {1}, 1));
        assertEquals(40, far.item(), 1e-5);
    }

    @Test
    void bceGradientIsSigmoidMinusTargetOverCountAlsoAtZero() {
        float[] x = {0, 0, 3, -3, 100, -100};
        float[] y = {1, 0, 0.25f, 1, 1, 0};
        Tensor logits = Tensor.of(x, 2, 3).requiresGrad(true);
        Losses.binaryCrossEntropyWithLogits(logits, Tensor.of(y, 2, 3)).backward();
        float[] g = logits.grad().toFloatArray();
        for (int i = 0; i < x.length; i++) {
            double sigmoid = 1 / (1 + Math.exp(-x[i]));
            assertEquals((sigmoid - y[i]) / x.length, g[i], 1e-7, "gradient at x = " + x[i] + ", y = " + y[i]);
        }
    }

    @Test
    void gradientsAgreeWithFiniteDifferences() {
        Tensor target = Tensor.randn(new jtrain.engine.Rng(3), 0, 1, DType.F64, 4, 3);
        check("mse_loss", in -> Losses.mse(in[0], target), randn(1, 4, 3));
        check("mse_loss of a transposed input", in -> Losses.mse(in[0], target), leaf(randn(2, 3, 4).transpose(0, 1)));
        Tensor multiHot = Tensor.of(new double[] {1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 1, 0}, 4, 3);
        check("binary_cross_entropy_with_logits", in -> Losses.binaryCrossEntropyWithLogits(in[0], multiHot), randn(4, 4, 3));
        check("binary_cross_entropy_with_logits, large logits", in -> Losses.binaryCrossEntropyWithLogits(in[0].mul(8), multiHot), randn(5, 4, 3));
        Tensor soft = Tensor.rand(new jtrain.engine.Rng(6), 0, 1, DType.F64, 4, 3);
        check("binary_cross_entropy_with_logits, soft targets", in -> Losses.binaryCrossEntropyWithLogits(in[0], soft), randn(7, 4, 3));
    }

    @Test
    void inputAndTargetMustHaveOneShapeAndDtype() {
        Tensor x = Tensor.zeros(DType.F32, jtrain.engine.Device.CPU, 4, 1);
        ShapeException e = assertThrows(ShapeException.class, () -> Losses.mse(x, Tensor.zeros(DType.F32, jtrain.engine.Device.CPU, 4)));
        assertEquals("mse_loss: input [4, 1] and target [4] must have the same shape", e.getMessage());
        IllegalArgumentException ints = assertThrows(IllegalArgumentException.class,
                () -> Losses.binaryCrossEntropyWithLogits(x, Tensor.ofInts(new int[] {1, 0, 1, 1}, 4, 1)));
        assertTrue(ints.getMessage().startsWith("binary_cross_entropy_with_logits: dtype mismatch"), ints.getMessage());
    }
}
