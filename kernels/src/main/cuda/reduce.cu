// Reductions: sum or max over any set of dimensions of a strided view, column sums of a contiguous (rows, cols)
// matrix (the bias-gradient shape), and the sum of squares of a view (gradient-norm clipping).
// All are deterministic: partial results go to a buffer and a second launch combines them, no float atomics.
#include "common.cuh"

// The kept and reduced dimensions of x, each with x's strides (packed by the host as 2 + 4*MAX_RANK + 1 ints).
struct ReduceLayout {
    int keptRank;
    int keptSize[MAX_RANK];
    int keptStride[MAX_RANK];
    int redRank;
    int redSize[MAX_RANK];
    int redStride[MAX_RANK];
    int offset;
};

__device__ __forceinline__ int strided_offset(int index, int rank, const int* size, const int* stride) {
    int off = 0;
#pragma unroll
    for (int d = MAX_RANK - 1; d >= 0; d--) {
        if (d < rank) {
            int c = index % size[d];
            index /= size[d];
            off += c * stride[d];
        }
    }
    return off;
}

// out[o * chunks + c] = reduction over the c-th of `chunks` equal slices of output o's R reduced elements.
// Launch: blocks grid-stride over outN * chunks (one block per slice), blockDim a multiple of 32.
// chunks == 1 gives the final result; otherwise the host reduces the (outN, chunks) partials again.
extern "C" __global__ void reduce_f32(int op, int outN, int R, int chunks, const float* __restrict__ x,
                                      float* __restrict__ out, ReduceLayout L) {
    __shared__ float scratch[33];
    bool isMax = op == REDUCE_MAX;
    int per = (R + chunks - 1) / chunks;
    for (long long b = blockIdx.x; b < (long long) outN * chunks; b += gridDim.x) {
        int o = (int) (b / chunks), c = (int) (b % chunks);
        int base = L.offset + strided_offset(o, L.keptRank, L.keptSize, L.keptStride);
        int from = c * per, to = min(R, from + per);
        float acc = isMax ? -INFINITY : 0.0f;
        for (int r = from + threadIdx.x; r < to; r += blockDim.x) {
            float v = x[base + strided_offset(r, L.redRank, L.redSize, L.redStride)];
            acc = isMax ? nan_max(acc, v) : acc + v;
        }
        acc = block_reduce(acc, scratch, isMax);
        if (threadIdx.x == 0) out[b] = acc;
    }
}

// partial[chunk * cols + j] = sum of x[r * cols + j] over the chunk's rows (rowsPerChunk consecutive rows).
// Launch: grid (ceil(cols / blockDim.x), chunks), any blockDim; threads of a warp read neighbouring columns.
extern "C" __global__ void colsum_partial_f32(int rows, int cols, int rowsPerChunk, const float* __restrict__ x,
                                              float* __restrict__ partial) {
    int j = blockIdx.x * blockDim.x + threadIdx.x;
    if (j >= cols) return;
    int from = blockIdx.y * rowsPerChunk, to = min(rows, from + rowsPerChunk);
    float acc = 0.0f;
    for (int r = from; r < to; r++) acc += x[(long long) r * cols + j];
    partial[(long long) blockIdx.y * cols + j] = acc;
}

// out[j] = sum over chunks of partial[chunk * cols + j]. Launch: 1-D grid-stride over cols.
extern "C" __global__ void colsum_finish_f32(int chunks, int cols, const float* __restrict__ partial,
                                             float* __restrict__ out) {
    GRID_STRIDE(j, cols) {
        float acc = 0.0f;
        for (int c = 0; c < chunks; c++) acc += partial[(long long) c * cols + j];
        out[j] = acc;
    }
}

// partial[blockIdx.x] = sum of x[i]^2 over the elements this block visits (layout operand 0 is x).
// Launch: 1-D grid of at most the partial buffer's length, blockDim a multiple of 32.
extern "C" __global__ void sumsq_partial_f32(int n, const float* __restrict__ x, float* __restrict__ partial, Layout L) {
    __shared__ float scratch[33];
    float acc = 0.0f;
    GRID_STRIDE(i, n) {
        int o[1];
        layout_offsets<1>(L, i, o);
        float v = x[o[0]];
        acc += v * v;
    }
    acc = block_sum(acc, scratch);
    if (threadIdx.x == 0) partial[blockIdx.x] = acc;
}

// out[0] = sum of the n contiguous values x. Launch: ONE block, blockDim a multiple of 32.
extern "C" __global__ void sum_dense_f32(int n, const float* __restrict__ x, float* __restrict__ out) {
    __shared__ float scratch[33];
    float acc = 0.0f;
    for (int i = threadIdx.x; i < n; i += blockDim.x) acc += x[i];
    acc = block_sum(acc, scratch);
    if (threadIdx.x == 0) out[0] = acc;
}
