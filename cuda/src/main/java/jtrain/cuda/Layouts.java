package jtrain.cuda;

import jtrain.engine.Tensor;
import jtrain.engine.backend.MergedDims;

/**
 * Packs tensor layouts into the int structs the kernels take by value (see kernels' common.cuh and reduce.cu).
 * Dimensions are merged as on the CPU ({@link MergedDims}), so a contiguous tensor becomes rank 1 and a broadcast bias rank 2: the kernels divide less, and shapes of any
 * rank fit the kernels' limit of 8 merged dimensions in practice.
 */
final class Layouts {
    private Layouts() {}

    static final int MAX_RANK = 8;
    /** struct Layout: rank, size[8], stride[3][8], offset[3]. */
    static final int LAYOUT_INTS = 1 + MAX_RANK + 3 * MAX_RANK + 3;
    /** struct ReduceLayout: keptRank, keptSize[8], keptStride[8], redRank, redSize[8], redStride[8], offset. */
    static final int REDUCE_INTS = 2 + 4 * MAX_RANK + 1;

    /** The joint layout of up to three tensors of one shape (offsets and strides in elements). */
    static int[] of(Tensor... ts) {
        if (ts.length > 3) throw new IllegalArgumentException("a Layout holds at most 3 operands");
        int[] shape = ts[0].shape();
        int k = ts.length;
        MergedDims m = MergedDims.of(ts);
        int rank = m.rank();
        int[] dims = m.dims();
        int[][] strides = m.strides();
        checkRank(rank, shape);
        int[] packed = new int[LAYOUT_INTS];
        packed[0] = rank;
        for (int d = 0; d < rank; d++) {
            packed[1 + d] = dims[d];
            for (int t = 0; t < k; t++) packed[1 + MAX_RANK + t * MAX_RANK + d] = strides[t][d];
        }
        for (int t = 0; t < k; t++) packed[1 + 4 * MAX_RANK + t] = ts[t].offset();
        return packed;
    }

    /**
     * The kept and the reduced dimensions of x, each group merged on its own. The kept group is walked in the
     * row-major order of the output (x's shape with reduced dimensions set to 1).
     */
    static int[] reduce(Tensor x, boolean[] reduced) {
        int[] shape = x.shape(), strides = x.strides();
        int[] keptSize = new int[shape.length], keptStride = new int[shape.length];
        int[] redSize = new int[shape.length], redStride = new int[shape.length];
        int kept = 0, red = 0;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) continue;
            if (reduced[d]) red = push(redSize, redStride, red, shape[d], strides[d]);
            else kept = push(keptSize, keptStride, kept, shape[d], strides[d]);
        }
        checkRank(kept, shape);
        checkRank(red, shape);
        int[] packed = new int[REDUCE_INTS];
        packed[0] = kept;
        System.arraycopy(keptSize, 0, packed, 1, kept);
        System.arraycopy(keptStride, 0, packed, 1 + MAX_RANK, kept);
        packed[1 + 2 * MAX_RANK] = red;
        System.arraycopy(redSize, 0, packed, 2 + 2 * MAX_RANK, red);
        System.arraycopy(redStride, 0, packed, 2 + 3 * MAX_RANK, red);
        packed[2 + 4 * MAX_RANK] = x.offset();
        return packed;
    }

    /** Appends a dimension, merging it into the previous one of its group when they form one run. */
    private static int push(int[] size, int[] stride, int rank, int n, int s) {
        if (rank > 0 && stride[rank - 1] == s * n) {
            size[rank - 1] *= n;
            stride[rank - 1] = s;
            return rank;
        }
        size[rank] = n;
        stride[rank] = s;
        return rank + 1;
    }

    private static void checkRank(int rank, int[] shape) {
        if (rank > MAX_RANK) {
            throw new IllegalArgumentException("cuda: a view of shape " + java.util.Arrays.toString(shape) + " has " + rank
                    + " dimensions after merging; the kernels take at most " + MAX_RANK);
        }
    }
}
