package jtrain.engine.backend;

import jtrain.engine.Tensor;

/**
 * The joint shape of several views of one shape with dimensions of size 1 dropped and neighbouring dimensions merged
 * wherever every operand lays them out as one (stride[d-1] == stride[d] * size[d]): a contiguous tensor becomes
 * rank 1, a row-broadcast operand a stride-0 outer dimension and a contiguous inner one. The CPU kernels (Strided)
 * and the CUDA layout structs both start from it.
 *
 * @param rank    number of merged dimensions (0 for a single element)
 * @param dims    sizes of the merged dimensions (the first rank entries are used)
 * @param strides strides[t][d] of operand t in merged dimension d, in elements
 */
public record MergedDims(int rank, int[] dims, int[][] strides) {

    public static MergedDims of(Tensor... ts) {
        int[] shape = ts[0].shape();
        int k = ts.length;
        int[] dims = new int[shape.length];
        int[][] strides = new int[k][shape.length];
        int rank = 0;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) continue;
            boolean merge = rank > 0;
            for (int t = 0; t < k && merge; t++) merge = strides[t][rank - 1] == ts[t].stride(d) * shape[d];
            if (merge) {
                dims[rank - 1] *= shape[d];
                for (int t = 0; t < k; t++) strides[t][rank - 1] = ts[t].stride(d);
            } else {
                dims[rank] = shape[d];
                for (int t = 0; t < k; t++) strides[t][rank] = ts[t].stride(d);
                rank++;
            }
        }
        return new MergedDims(rank, dims, strides);
    }
}
