package jtrain.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Random tensors are filled in parallel, yet hold exactly the values drawn one by one from the same generator. */
class RandomTensorsTest {
    @Test
    void randnHoldsTheDrawsOfNextGaussianInOrderAndLeavesTheGeneratorWhereTheyWouldHave() {
        // Sizes below, at and far above the size where the fill splits across threads.
        for (int n : new int[] {0, 1, 7, (1 << 15) - 1, 1 << 15, 3 * (1 << 15) + 5, 1 << 20}) {
            for (DType dtype : new DType[] {DType.F32, DType.F64, DType.BF16}) {
                Rng parallel = new Rng(42 + n), serial = new Rng(42 + n);
                Tensor t = Tensor.randn(parallel, 0.5, 0.02, dtype, n);
                Tensor expected = Tensor.zeros(dtype, Device.CPU, n);
                CpuStorage s = (CpuStorage) expected.storage();
                for (int i = 0; i < n; i++) s.set(i, 0.5 + 0.02 * serial.nextGaussian());
                assertArrayEquals(expected.toDoubleArray(), t.toDoubleArray(), "values, n = " + n + ", " + dtype);
                assertEquals(serial.state(), parallel.state(), "generator state after " + n + " draws");
                assertEquals(serial.nextLong(), parallel.nextLong(), "the next draw after " + n);
            }
        }
    }

    @Test
    void skippingDrawsWrapsAroundTheStateAsSingleStepsDo() {
        Rng skipped = new Rng(Long.MAX_VALUE - 3), stepped = new Rng(Long.MAX_VALUE - 3);
        long start = skipped.skipGaussians(5);
        for (int i = 0; i < 5; i++) assertEquals(stepped.nextGaussian(), Rng.gaussianAt(start, i), "draw " + i);
        assertEquals(stepped.state(), skipped.state());
        assertThrows(IllegalArgumentException.class, () -> skipped.skipGaussians(-1));
    }
}
