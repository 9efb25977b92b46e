package jtrain.engine.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.engine.backend.Backend.Binary;
import jtrain.engine.ops.Views;

/**
 * The vector backend's elementwise kernels walk strided views span by span, stepping from one row of spans to the
 * next; a thread's share may start and end inside a row. Copies and adds are exact in float, so every case must
 * match the reference backend bit for bit.
 */
class StridedWalkTest {
    private final Backend ref = new ReferenceBackend();
    private final Backend vec = new VectorBackend();
    private final Rng rng = new Rng(3);

    private void assertCopiesExactly(Tensor view, String what) {
        Tensor expected = Tensor.zeros(view.shape()), actual = Tensor.zeros(view.shape());
        ref.copy(view, expected);
        vec.copy(view, actual);
        assertArrayEquals(expected.toFloatArray(), actual.toFloatArray(), 0f, what);
    }

    @Test
    void attentionHeadsSplitAndMergeLikeTheReference() {
        // BERT-mini's q/k/v split into heads, (B, T, H, D) -> (B, H, T, D), and the context merged back; 1M elements,
        // so both threads take part. Also odd sizes, large enough to split inside a row of 13 elements.
        int[][] shapes = {{32, 128, 4, 64}, {3, 37, 5, 13}, {7, 211, 5, 13}};
        for (int[] s : shapes) {
            Tensor x = Tensor.randn(rng, s);
            assertCopiesExactly(x.permute(0, 2, 1, 3), "split heads " + Arrays.toString(s));
            assertCopiesExactly(x.permute(0, 2, 1, 3).contiguous().permute(0, 2, 1, 3), "merge heads " + Arrays.toString(s));
            assertCopiesExactly(x.permute(3, 1, 0, 2), "a full permutation " + Arrays.toString(s));
        }
    }

    @Test
    void viewsAtAnOffsetAndBroadcastOperandsStepCorrectly() {
        Tensor base = Tensor.randn(rng, 9, 40, 10, 30);
        // Every other row of dim 1, from the second element: an offset, gaps between rows, 3 outer dims, 46,400
        // elements (the add splits across threads).
        Tensor view = Views.strided(base, new int[] {8, 20, 10, 29}, new int[] {40 * 300, 2 * 300, 30, 1}, 300 + 1);
        assertCopiesExactly(view, "a sliced view at an offset");
        Tensor bias = Views.broadcastView(Tensor.randn(rng, 29), view.shape());
        assertArrayEquals(ref.binary(Binary.ADD, view, bias).toFloatArray(), vec.binary(Binary.ADD, view, bias).toFloatArray(), 0f,
                "a row-broadcast add over the sliced view");
    }
}
