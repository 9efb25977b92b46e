package jtrain.engine.optim;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;

import org.junit.jupiter.api.Test;

import jtrain.engine.Tensor;

class GradClipTest {
    private static Tensor paramWithGrad(float... grad) {
        Tensor p = Tensor.zeros(grad.length).requiresGrad(true);
        p.setGrad(Tensor.of(grad, grad.length));
        return p;
    }

    @Test
    void returnsTheNormOfAllGradientsTogether() {
        // sqrt(3^2 + 4^2 + 12^2) = 13
        Tensor a = paramWithGrad(3, 4), b = paramWithGrad(12);
        assertEquals(13.0, GradClip.clipGradNorm(List.of(a, b), 100), 1e-6);
        assertArrayEquals(new float[] {3, 4}, a.grad().toFloatArray(), "below maxNorm nothing changes");
        assertArrayEquals(new float[] {12}, b.grad().toFloatArray());
    }

    @Test
    void scalesEveryGradientByMaxNormOverNorm() {
        Tensor a = paramWithGrad(3, 4), b = paramWithGrad(12);
        double norm = GradClip.clipGradNorm(List.of(a, b), 1.0);

        assertEquals(13.0, norm, 1e-6, "the norm before clipping is returned");
        float k = (float) (1.0 / (13.0 + 1e-6));
        assertArrayEquals(new float[] {3 * k, 4 * k}, a.grad().toFloatArray(), 1e-7f);
        assertArrayEquals(new float[] {12 * k}, b.grad().toFloatArray(), 1e-7f);
        assertEquals(1.0, GradClip.clipGradNorm(List.of(a, b), 100), 1e-5, "afterwards the norm is maxNorm");
    }

    @Test
    void parametersWithoutGradientsDoNotCount() {
        Tensor none = Tensor.zeros(3).requiresGrad(true);
        assertEquals(0.0, GradClip.clipGradNorm(List.of(none), 1.0));
        assertEquals(5.0, GradClip.clipGradNorm(List.of(none, paramWithGrad(3, 4)), 10), 1e-6);
        assertNull(none.grad());
    }

    @Test
    void aTiedParameterListedTwiceCountsOnce() {
        Tensor tied = paramWithGrad(3, 4);
        assertEquals(5.0, GradClip.clipGradNorm(List.of(tied, tied), 1.0), 1e-6);
        float k = (float) (1 / (5 + 1e-6));
        assertArrayEquals(new float[] {3 * k, 4 * k}, tied.grad().toFloatArray(), 1e-7f, "scaled once, not twice");
    }

    @Test
    void stridedGradientsAreClippedToo() {
        Tensor p = Tensor.zeros(2, 2).requiresGrad(true);
        p.setGrad(Tensor.of(new float[] {1, 2, 3, 4}, 2, 2).transpose(0, 1)); // [[1, 3], [2, 4]]
        double norm = GradClip.clipGradNorm(List.of(p), 1.0);
        assertEquals(Math.sqrt(30), norm, 1e-6);
        float k = (float) (1 / (Math.sqrt(30) + 1e-6));
        assertArrayEquals(new float[] {k, 3 * k, 2 * k, 4 * k}, p.grad().toFloatArray(), 1e-7f);
    }
}
