package jtrain.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** On the CPU a memory scope does nothing: Java arrays are left to the garbage collector. */
class MemoryScopeCpuTest {
    @Test
    void tensorsCreatedInACpuScopeStayUsable() {
        Tensor y;
        try (MemoryScope scope = MemoryScope.open(Device.CPU)) {
            Tensor x = Tensor.of(new float[] {1, 2, 3}, 3);
            y = x.mul(x);
        }
        assertArrayEquals(new float[] {1, 4, 9}, y.toFloatArray());
    }
}
