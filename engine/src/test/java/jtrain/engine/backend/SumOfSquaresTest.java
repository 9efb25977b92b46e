package jtrain.engine.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.engine.ops.Views;

/**
 * Gradient clipping's sum of squares on the vector backend: blocks of {@link VectorReduce#SQUARES_BLOCK} floats are
 * summed in float and the block sums added in double in block order, whichever thread computed each block. So the
 * threaded result is exactly the one-thread loop's, and a clipped gradient does not depend on -Djtrain.threads.
 */
class SumOfSquaresTest {
    private final Backend vec = new VectorBackend();
    private final Rng rng = new Rng(11);

    @Test
    void threadedSumIsTheOneThreadLoopBitForBit() {
        // One block, a partial last block, and sizes far above the threading threshold (the BERT-mini embedding).
        for (int n : new int[] {1, 17, 4096, 4097, 70_001, 1 << 18, 2_097_152 + 3}) {
            Tensor x = Tensor.randn(rng, n);
            double serialLoop = VectorReduce.sumOfSquares(VectorElementwise.f32(x), x.offset(), n);
            assertEquals(serialLoop, VectorReduce.sumOfSquares(x), 0.0, n + " elements, " + Parallel.THREADS + " threads");
            assertEquals((float) serialLoop, vec.sumOfSquares(x).item(), 0f, n + " elements through the backend");
        }
    }

    @Test
    void anOffsetViewSumsItsOwnElementsOnly() {
        Tensor base = Tensor.randn(rng, 3 * 50_000);
        Tensor middle = Views.strided(base, new int[] {50_000}, new int[] {1}, 50_000);
        double expected = 0;
        for (int b = 0; b < 50_000; b += VectorReduce.SQUARES_BLOCK) {
            float block = 0;
            for (int i = b; i < Math.min(50_000, b + VectorReduce.SQUARES_BLOCK); i++) {
                float v = (float) base.get(50_000 + i);
                block += v * v;
            }
            expected += block;
        }
        assertEquals(expected, VectorReduce.sumOfSquares(middle), 1e-6 * expected, "the middle third of 150,000 floats");
    }
}
