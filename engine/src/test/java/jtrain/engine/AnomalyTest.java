package jtrain.engine;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import jtrain.engine.ops.Nn;

/** Anomaly mode names the first op whose result (forward or backward) holds a NaN or an infinity. */
class AnomalyTest {
    private boolean previous;

    @BeforeEach
    void on() {
        previous = Autograd.anomalyMode();
        Autograd.setAnomalyMode(true);
    }

    @AfterEach
    void restore() {
        Autograd.setAnomalyMode(previous);
    }

    private static String message(Runnable r) {
        return assertThrows(ArithmeticException.class, r::run).getMessage();
    }

    @Test
    void forwardNamesTheOpThatProducedNaN() {
        Tensor x = Tensor.of(new float[] {1, -1, 2}).requiresGrad(true);
        String m = message(() -> x.mul(2).log().exp());
        assertTrue(m.contains("forward of 'log'") && m.contains("NaN") && m.contains("index 1"), m);
    }

    @Test
    void forwardIsCheckedWithoutGradientsAndInF64Too() {
        String m = message(() -> Tensor.of(new float[] {0, 1}).log());
        assertTrue(m.contains("'log'") && m.contains("Infinity"), m);
        try (var ng = Autograd.noGrad()) {
            String m2 = message(() -> Tensor.of(new double[] {1, 0}).div(Tensor.of(new double[] {1, 0})));
            assertTrue(m2.contains("'div'") && m2.contains("NaN"), m2);
        }
    }

    @Test
    void backwardNamesTheOpWhoseGradientIsNotFinite() {
        // sqrt(0) = 0 is fine forward, but its derivative 1/(2 sqrt 0) is infinite.
        Tensor x = Tensor.of(new float[] {4, 0}).requiresGrad(true);
        Tensor y = x.sqrt().sum();
        String m = message(y::backward);
        assertTrue(m.contains("backward of 'sqrt'") && m.contains("Infinity"), m);
        // The failed backward leaves forward checking on.
        String after = message(() -> Tensor.of(new float[] {-1}).log());
        assertTrue(after.contains("forward of 'log'"), after);
    }

    @Test
    void finiteComputationsPassAndReadingNonFiniteValuesIsAllowed() {
        Tensor x = Tensor.of(new float[] {1, 2, 3}).requiresGrad(true);
        Nn.softmax(x.mul(x)).sum().backward();
        assertEquals(3, x.grad().numel());
        // Masking with -inf is a legitimate non-finite value: reading it back or printing it must not throw.
        Tensor inf = Tensor.full(Double.NEGATIVE_INFINITY, DType.F32, Device.CPU, 2);
        assertEquals(Float.NEGATIVE_INFINITY, inf.toFloatArray()[0]);
        assertEquals(Double.NEGATIVE_INFINITY, inf.toDoubleArray()[1]);
        assertTrue(inf.toString().contains("Infinity"));
    }

    @Test
    void offByDefaultSoNaNPassesSilently() {
        Autograd.setAnomalyMode(false);
        assertTrue(Double.isNaN(Tensor.of(new float[] {-1}).log().item()));
    }
}
