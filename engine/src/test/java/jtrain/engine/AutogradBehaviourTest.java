package jtrain.engine;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** How the tape behaves: accumulation, detach, no-grad scopes, freeing, shared subexpressions, gradient ownership. */
class AutogradBehaviourTest {
    @Test
    void anOptimizerStepBetweenForwardAndBackwardIsAnError() {
        // The graph saved w's old values; gradients from the updated ones would be silently wrong (torch refuses too).
        Tensor w = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true).named("w");
        var opt = new jtrain.engine.optim.Sgd(java.util.List.of(w), 0.1, 0, 0);
        Tensor first = w.mul(w).sum();
        first.backward();
        Tensor loss = w.mul(w).sum();
        opt.step();
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("backward of 'mul'") && e.getMessage().contains("'w'")
                && e.getMessage().contains("modified in place after the forward pass"), e.getMessage());
        w.zeroGrad();
        w.mul(w).sum().backward(); // a new forward pass is fine
        assertArrayEquals(new float[] {1.6f, 3.2f}, w.grad().toFloatArray(), 1e-6f);
    }

    @Test
    void aGradientSetAsABroadcastViewIsAddedIntoACopy() {
        // An expanded view shares one element among three: adding in place would add three times into it.
        Tensor x = Tensor.of(new float[] {1, 2, 3}, 3).requiresGrad(true);
        x.setGrad(Tensor.zeros(1).expand(3));
        x.mul(2).sum().backward();
        assertArrayEquals(new float[] {2, 2, 2}, x.grad().toFloatArray());
    }

    private static Tensor f64(double... v) {
        return Tensor.of(v).requiresGrad(true);
    }

    @Test
    void gradientsAccumulateUntilZeroed() {
        Tensor w = f64(1, 2, 3);
        Tensor x = Tensor.of(new double[] {4, 5, 6});
        w.mul(x).sum().backward();
        assertArrayEquals(new double[] {4, 5, 6}, w.grad().toDoubleArray());
        w.mul(w).sum().backward(); // + 2w
        assertArrayEquals(new double[] {6, 9, 12}, w.grad().toDoubleArray());
        w.zeroGrad();
        assertNull(w.grad());
        w.mul(x).sum().backward();
        assertArrayEquals(new double[] {4, 5, 6}, w.grad().toDoubleArray());
    }

    @Test
    void detachStopsGradients() {
        Tensor w = f64(1, 2);
        Tensor d = w.mul(3).detach();
        assertFalse(d.requiresGrad());
        assertTrue(d.isLeaf());
        assertSame(w.storage(), w.detach().storage(), "detach shares the data");
        // Only the attached path contributes: d(w * stop(3w))/dw = 3w.
        w.mul(d).sum().backward();
        assertArrayEquals(new double[] {3, 6}, w.grad().toDoubleArray());
    }

    @Test
    void noGradScopeRecordsNothingAndNests() {
        Tensor w = f64(1, 2);
        assertTrue(Autograd.isGradEnabled());
        try (var outer = Autograd.noGrad()) {
            try (var inner = Autograd.noGrad()) {
                assertFalse(w.exp().requiresGrad());
            }
            assertFalse(Autograd.isGradEnabled(), "closing the inner scope keeps the outer one");
            Tensor y = w.mul(2);
            assertNull(y.gradFn());
            assertFalse(y.requiresGrad());
        }
        assertTrue(Autograd.isGradEnabled());
        try (var ng = Autograd.noGrad()) {
            throw new RuntimeException("leaves the scope");
        } catch (RuntimeException expected) {
            // the scope is closed by try-with-resources
        }
        assertTrue(Autograd.isGradEnabled(), "an exception inside the scope still restores recording");
        var scope = Autograd.noGrad();
        scope.close();
        scope.close();
        assertTrue(Autograd.isGradEnabled(), "closing a scope twice counts once");
        assertEquals("mul", w.mul(2).gradFn().op);
    }

    @Test
    void opsOnTensorsWithoutGradRecordNothing() {
        Tensor a = Tensor.of(new double[] {1, 2});
        Tensor y = a.mul(a).exp();
        assertFalse(y.requiresGrad());
        assertNull(y.gradFn());
        Tensor w = f64(1, 1);
        Tensor z = a.add(w).log();
        assertEquals("log", z.gradFn().op);
        assertFalse(z.isLeaf());
    }

    @Test
    void backwardFreesTheGraphAndASecondBackwardIsAClearError() {
        Tensor w = f64(1, 2);
        Tensor h = w.exp();
        Tensor loss = h.mul(h).sum();
        loss.backward();
        assertNull(loss.gradFn().backward, "the closure (and the tensors it saved) is released");
        assertNull(h.gradFn().backward);
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("'sum'") && e.getMessage().contains("already used and freed"), e.getMessage());
        // A new forward pass builds a new graph.
        w.zeroGrad();
        w.exp().sum().backward();
        assertArrayEquals(new double[] {Math.exp(1), Math.exp(2)}, w.grad().toDoubleArray(), 1e-12);
    }

    @Test
    void diamondGraphAddsTheGradientsOfBothPaths() {
        // y = 2x is used by two branches that meet again: L = sum(exp(y) + y^2).
        Tensor x = f64(0.5, -1);
        Tensor y = x.mul(2);
        y.exp().add(y.mul(y)).sum().backward();
        double[] xs = {0.5, -1};
        double[] g = x.grad().toDoubleArray();
        for (int i = 0; i < 2; i++) assertEquals(2 * Math.exp(2 * xs[i]) + 8 * xs[i], g[i], 1e-12);
        assertNull(y.grad(), "intermediate results keep no .grad");
        // An op whose two inputs are the same tensor.
        Tensor z = f64(3);
        z.add(z).mul(z).sum().backward(); // 2z^2 -> 4z
        assertArrayEquals(new double[] {12}, z.grad().toDoubleArray());
    }

    @Test
    void leafGradIsItsOwnContiguousCopy() {
        // add's backward hands the same gradient tensor to both operands; each leaf must get its own copy.
        Tensor a = f64(1, 2, 3), b = f64(4, 5, 6);
        a.add(b).sum().backward();
        assertNotSame(a.grad(), b.grad());
        assertNotSame(a.grad().storage(), b.grad().storage());
        assertTrue(a.grad().isContiguous(), "sum's gradient is a stride-0 view; the leaf's copy is dense");
        assertArrayEquals(new int[] {1}, a.grad().strides());
        a.mul(2).sum().backward(); // accumulates in place into a.grad only
        assertArrayEquals(new double[] {3, 3, 3}, a.grad().toDoubleArray());
        assertArrayEquals(new double[] {1, 1, 1}, b.grad().toDoubleArray());
        // The gradient of a leaf that passes straight through (x.reshape is a view of x) does not alias x.
        Tensor x = f64(7, 8);
        x.reshape(2, 1).sum().backward();
        assertNotSame(x.storage(), x.grad().storage());
        assertArrayEquals(new double[] {7, 8}, x.toDoubleArray());
    }

    @Test
    void nonContiguousLeafGetsAGradientOfItsOwnShape() {
        Tensor base = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor leaf = base.transpose(0, 1).detach().requiresGrad(true); // (3,2) view with strides (1,3)
        leaf.mul(Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 3, 2)).sum().backward();
        assertArrayEquals(new int[] {3, 2}, leaf.grad().shape());
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, leaf.grad().toDoubleArray());
    }

    @Test
    void longChainsDoNotOverflowTheStack() {
        Tensor w = f64(1);
        Tensor y = w;
        for (int i = 0; i < 20_000; i++) y = y.add(1e-4);
        y.sum().backward();
        assertArrayEquals(new double[] {1}, w.grad().toDoubleArray());
    }

    @Test
    void scalarLeafCanBeTheRoot() {
        Tensor s = Tensor.scalar(2, DType.F64, Device.CPU).requiresGrad(true);
        s.backward();
        assertEquals(1, s.grad().item());
    }
}
