package jtrain.engine;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The checker itself: it passes a correct gradient, catches a wrong one, and refuses inputs it cannot perturb. */
class GradCheckTest {
    @Test
    void acceptsACorrectGradient() {
        GradCheck.check("x*x", in -> in[0].mul(in[0]), GradCheck.randn(1, 3, 4));
    }

    @Test
    void catchesAWrongGradient() {
        // y = x^3 recorded with the gradient of x^2: the checker must say which element disagrees.
        AssertionError e = assertThrows(AssertionError.class, () -> GradCheck.check("wrong cube", in -> {
            Tensor x = in[0];
            Tensor y;
            try (var ng = Autograd.noGrad()) {
                y = x.mul(x).mul(x);
            }
            return Autograd.record("cube", y, new Tensor[] {x}, g -> new Tensor[] {g.mul(x).mul(2)});
        }, GradCheck.randn(2, 5)));
        assertTrue(e.getMessage().contains("wrong cube") && e.getMessage().contains("element"), e.getMessage());
    }

    @Test
    void catchesAMissingGradient() {
        // The gradient of the second input is dropped: analytic 0 against a non-zero numeric derivative.
        Tensor a = GradCheck.randn(3, 4), b = GradCheck.randn(4, 4);
        assertThrows(AssertionError.class, () -> GradCheck.check("detached b", in -> in[0].mul(in[1].detach()), a, b));
    }

    @Test
    void refusesBroadcastLeavesAndNonF64Inputs() {
        Tensor expanded = GradCheck.leaf(Tensor.randn(new Rng(5), 0, 1, DType.F64, 1, 3).expand(4, 3));
        assertThrows(IllegalArgumentException.class, () -> GradCheck.check("expanded", in -> in[0], expanded));
        Tensor f32 = Tensor.randn(new Rng(6), 3).requiresGrad(true);
        assertThrows(IllegalArgumentException.class, () -> GradCheck.check("f32", in -> in[0], f32));
    }
}
