package jtrain.engine;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Shape arithmetic: NumPy broadcasting, row-major strides, negative dimension indices. */
class ShapesTest {
    @Test
    void broadcastingFollowsNumPyRules() {
        assertArrayEquals(new int[] {3, 2, 4}, Shapes.broadcast("op", new int[] {3, 1, 4}, new int[] {2, 4}));
        assertArrayEquals(new int[] {2, 3}, Shapes.broadcast("op", new int[] {2, 3}, new int[0]));
        assertArrayEquals(new int[] {5, 3}, Shapes.broadcast("op", new int[] {5, 1}, new int[] {1, 3}));
        assertArrayEquals(new int[] {0, 3}, Shapes.broadcast("op", new int[] {0, 1}, new int[] {3}), "size 0 broadcasts like any size");
        ShapeException e = assertThrows(ShapeException.class, () -> Shapes.broadcast("add", new int[] {2, 3}, new int[] {4}));
        assertEquals("add: shapes [2, 3] and [4] cannot be broadcast together", e.getMessage());
    }

    @Test
    void contiguousStridesAndElementCounts() {
        assertArrayEquals(new int[] {12, 4, 1}, Shapes.contiguousStrides(new int[] {2, 3, 4}));
        assertArrayEquals(new int[0], Shapes.contiguousStrides(new int[0]));
        assertEquals(24, Shapes.numel(new int[] {2, 3, 4}));
        assertEquals(1, Shapes.numel(new int[0]), "a rank-0 tensor holds one element");
        assertThrows(IllegalArgumentException.class, () -> Shapes.numel(new int[] {65536, 65536}));
        assertThrows(IllegalArgumentException.class, () -> Shapes.numel(new int[] {2, -1}));
    }

    @Test
    void negativeDimensionsCountFromTheEnd() {
        assertEquals(2, Shapes.dim("op", -1, 3));
        assertEquals(0, Shapes.dim("op", -3, 3));
        ShapeException e = assertThrows(ShapeException.class, () -> Shapes.dim("sum", 3, 3));
        assertTrue(e.getMessage().contains("sum") && e.getMessage().contains("3"), e.getMessage());
        assertThrows(ShapeException.class, () -> Shapes.dim("sum", -4, 3));
    }
}
