package jtrain.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import jtrain.engine.backend.Backends;
import jtrain.engine.backend.ProfilingBackend;

/**
 * A backward pass reuses the gradient buffers it created itself: a leaf takes its gradient without a copy, and a
 * gradient meeting another at a fork is added into it in place. Never a buffer something else still reads or holds.
 */
class GradientBuffersTest {
    /** Runs work under a profiler and returns how many times the backward pass called the primitive op. */
    private static long backwardCalls(String op, Runnable work) {
        ProfilingBackend profiler = new ProfilingBackend(Backends.cpu());
        try (var installed = Backends.useCpu(profiler)) {
            work.run();
        }
        return profiler.entries().stream().filter(e -> e.phase().equals("backward") && e.op().equals(op)).mapToLong(ProfilingBackend.Entry::calls).sum();
    }

    private static Tensor leaf(float... v) {
        return Tensor.of(v).requiresGrad(true);
    }

    @Test
    void aLeafTakesTheGradientThePassComputedForItWithoutACopy() {
        Tensor w = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2).requiresGrad(true);
        Tensor x = Tensor.of(new float[] {1, -1, 2, 0.5f, 3, -2}, 2, 3);
        Tensor c = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        assertEquals(0, backwardCalls("copy", () -> x.matmul(w).mul(c).sum().backward()));
        // dL/dw = xᵀ·c
        assertArrayEquals(new float[] {2.5f, 4, 8, 10, -4, -4}, w.grad().toFloatArray(), 1e-6f);
    }

    @Test
    void twoLeavesReachedByOneGradientEachGetTheirOwnBuffer() {
        // mul's backward creates g·c; add's backward hands that one tensor to both a and b: one of them takes it, the
        // other gets a copy, so accumulating into a.grad later leaves b.grad alone.
        Tensor a = leaf(1, 2, 3), b = leaf(4, 5, 6);
        Tensor c = Tensor.of(new float[] {2, 3, 4});
        assertEquals(1, backwardCalls("copy", () -> a.add(b).mul(c).sum().backward()));
        assertNotSame(a.grad().storage(), b.grad().storage());
        a.mul(10).sum().backward();
        assertArrayEquals(new float[] {12, 13, 14}, a.grad().toFloatArray());
        assertArrayEquals(new float[] {2, 3, 4}, b.grad().toFloatArray());
    }

    @Test
    void gradientsMeetingAtAForkAreAddedInPlaceWithTheSameBits() {
        // h reaches the loss four times (h·h counts twice): its gradient is four fresh tensors, added into the first one.
        Supplier<float[]> run = () -> {
            Tensor w = Tensor.of(new float[] {0.1f, -0.7f, 1.3f, 2.9f}, 2, 2).requiresGrad(true);
            Tensor h = w.mul(1.5f);
            h.mul(0.3f).add(h.mul(h)).add(h.exp()).sum().backward();
            return w.grad().toFloatArray();
        };
        float[][] result = new float[1][];
        long inPlace = backwardCalls("addInPlace", () -> result[0] = run.get());
        assertEquals(3, inPlace, "three of h's four gradients are added into the first in place");
        float[] w = {0.1f, -0.7f, 1.3f, 2.9f};
        for (int i = 0; i < 4; i++) {
            float h = w[i] * 1.5f;
            float g = 0.3f + 2 * h + (float) Math.exp(h); // the same additions as the pass, in float
            assertEquals(g * 1.5f, result[0][i], Math.ulp(g * 1.5f) * 4);
        }
    }

    @Test
    void aBufferAnotherGradientStillReadsIsNotWrittenInto() {
        // m's backward hands its gradient G to n and to a. n's backward then returns (5G, G): 5G goes to a, whose
        // waiting gradient is G itself, and G to b. Adding 5G into a's G in place would change what b receives.
        Tensor w = leaf(1, 2);
        Tensor a = w.mul(1f), b = w.mul(3f);
        Tensor n = Autograd.record("n", a.detach().add(b.detach()), new Tensor[] {a, b}, g -> new Tensor[] {g.mul(5f), g});
        Tensor m = Autograd.record("m", n.detach().add(a.detach()), new Tensor[] {n, a}, g -> new Tensor[] {g, g});
        m.mul(Tensor.of(new float[] {1, 2})).sum().backward();
        // a receives 5G + G, b receives G, with G = (1, 2): dw = 6G + 3G.
        assertArrayEquals(new float[] {9, 18}, w.grad().toFloatArray());
    }

    @Test
    void aTensorCreatedBeforeTheBackwardPassIsNeverTakenByALeaf() {
        // A custom op's backward returns a tensor the caller holds: the leaf gets a copy, so accumulating into the
        // leaf's gradient later leaves the caller's tensor alone.
        Tensor held = Tensor.of(new float[] {7, 8});
        Tensor w = leaf(1, 2);
        Autograd.record("custom", w.detach().mul(2f), new Tensor[] {w}, g -> new Tensor[] {held}).sum().backward();
        assertNotSame(held.storage(), w.grad().storage());
        w.sum().backward();
        assertArrayEquals(new float[] {8, 9}, w.grad().toFloatArray());
        assertArrayEquals(new float[] {7, 8}, held.toFloatArray());
    }
}
