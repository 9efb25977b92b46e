package jtrain.engine;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class AutogradTest {
    @Test
    void gradientsAccumulateAcrossBackwardCalls() {
        Tensor w = Tensor.of(new float[] {1, 2, 3}).requiresGrad(true);
        Tensor x = Tensor.of(new float[] {4, 5, 6});
        w.mul(x).sum().backward();
        w.mul(x).sum().backward();
        assertArrayEquals(new float[] {8, 10, 12}, w.grad().toFloatArray());
    }

    @Test
    void broadcastGradientIsSummedBackToTheOperandShape() {
        Tensor bias = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true);
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
        x.add(bias).sum().backward();
        assertArrayEquals(new float[] {3, 3}, bias.grad().toFloatArray());
    }

    @Test
    void matmulThroughATransposeView() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Tensor b = Tensor.of(new float[] {1, 0, 0, 0, 1, 1}, 2, 3);
        Tensor c = a.matmul(b.transpose(0, 1)); // (2,3) @ (3,2)
        assertArrayEquals(new float[] {1, 5, 4, 11}, c.toFloatArray());
        c.sum().backward();
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, a.grad().toFloatArray());
    }

    @Test
    void noGradScopeRecordsNothing() {
        Tensor w = Tensor.of(new float[] {1, 2}).requiresGrad(true);
        try (var ng = Autograd.noGrad()) {
            assertFalse(w.mul(2).requiresGrad());
        }
        assertTrue(w.mul(2).requiresGrad());
    }

    @Test
    void usingAFreedGraphTwiceIsAClearError() {
        Tensor w = Tensor.of(new float[] {1, 2}).requiresGrad(true);
        Tensor loss = w.mul(w).sum();
        loss.backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("already used and freed"), e.getMessage());
    }
}
