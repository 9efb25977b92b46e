package jtrain.engine.backend;

import jtrain.engine.Tensor;

/**
 * Walks several views of one shape together as "rows" of their merged dimensions ({@link MergedDims}), so a
 * contiguous tensor becomes one long row, a row-broadcast operand keeps a stride-0 outer dimension and a
 * contiguous inner one, and a scalar broadcast becomes one row of stride 0. Kernels then only deal with the inner
 * stride of each operand (1, 0 or anything) over spans of the last merged dimension.
 */
final class Strided {
    /** Receives a span of len elements: operand k's first element is at offsets[k], then every inner[k]. */
    @FunctionalInterface
    interface Span {
        void run(int[] offsets, int len);
    }

    private final int[] outerShape;
    private final int[][] outerStrides;
    private final int[] baseOffsets;
    /** Elements in the inner (last merged) dimension. */
    final int inner;
    /** Inner stride of each operand. */
    final int[] innerStrides;
    /** Number of elements overall. */
    final long total;

    private Strided(int[] outerShape, int[][] outerStrides, int[] baseOffsets, int inner, int[] innerStrides, long total) {
        this.outerShape = outerShape;
        this.outerStrides = outerStrides;
        this.baseOffsets = baseOffsets;
        this.inner = inner;
        this.innerStrides = innerStrides;
        this.total = total;
    }

    /** The joint layout of tensors of one shape (only shape, strides and offset are used). */
    static Strided of(Tensor... ts) {
        int k = ts.length;
        long total = 1;
        for (int size : ts[0].shape()) total *= size;
        MergedDims m = MergedDims.of(ts);
        int rank = m.rank();
        int[] dims = m.dims();
        int[][] strides = m.strides();
        int[] base = new int[k];
        for (int t = 0; t < k; t++) base[t] = ts[t].offset();
        if (rank == 0) { // a single element
            return new Strided(new int[0], new int[k][0], base, total == 0 ? 0 : 1, new int[k], total);
        }
        int[] outer = java.util.Arrays.copyOf(dims, rank - 1);
        int[][] outerStrides = new int[k][];
        int[] innerStrides = new int[k];
        for (int t = 0; t < k; t++) {
            outerStrides[t] = java.util.Arrays.copyOf(strides[t], rank - 1);
            innerStrides[t] = strides[t][rank - 1];
        }
        return new Strided(outer, outerStrides, base, dims[rank - 1], innerStrides, total);
    }

    /** True when operand t's elements form one dense run in row-major order. */
    boolean dense(int t) {
        return outerShape.length == 0 && innerStrides[t] == 1;
    }

    /**
     * Calls body for every span of consecutive inner elements, splitting the elements across threads when there
     * are at least 2 * grain of them (a span may then cover part of a row).
     */
    void forEach(int grain, Span body) {
        if (total == 0) return;
        if (total > Integer.MAX_VALUE) throw new IllegalArgumentException("too many elements: " + total);
        Parallel.forRange((int) total, grain, (from, to) -> walk(from, to, body));
    }

    /**
     * Calls body for the spans covering elements [from, to). The first row's offsets come from dividing its index;
     * each next row's by stepping an odometer over the outer dimensions (split attention heads give spans of 64
     * elements, where a division per dimension per span cost more than copying the span).
     */
    private void walk(int from, int to, Span body) {
        int k = baseOffsets.length, rank = outerShape.length;
        int[] offsets = new int[k], rowStart = baseOffsets.clone(), index = new int[rank];
        int rest = from / inner, j = from % inner;
        for (int d = rank - 1; d >= 0; d--) {
            index[d] = rest % outerShape[d];
            rest /= outerShape[d];
            for (int t = 0; t < k; t++) rowStart[t] += index[d] * outerStrides[t][d];
        }
        while (from < to) {
            int len = Math.min(inner - j, to - from);
            for (int t = 0; t < k; t++) offsets[t] = rowStart[t] + j * innerStrides[t];
            body.run(offsets, len);
            from += len;
            j = 0;
            for (int d = rank - 1; d >= 0; d--) { // next row: the last dimension steps, carrying into the ones before
                for (int t = 0; t < k; t++) rowStart[t] += outerStrides[t][d];
                if (++index[d] < outerShape[d]) break;
                for (int t = 0; t < k; t++) rowStart[t] -= outerShape[d] * outerStrides[t][d];
                index[d] = 0;
            }
        }
    }
}
