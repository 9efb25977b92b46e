// Softmax and log-softmax over the last dimension (rows of length C, contiguous), and their backward passes:
//   softmax:            y = exp(x - max) / sum(exp(x - max))
//   softmax backward:   gx = y * (gy - sum(gy * y))
//   log-softmax:        y = x - logsumexp(x)     (a row of -inf stays -inf - (-inf) = NaN, like the reference)
//   log-softmax bwd:    gx = gy - exp(y) * sum(gy)
// Launch: one block per row (grid-stride over rows), blockDim a multiple of 32; each thread strides over the row,
// so rows of any length (the 30522-word vocabulary included) work with block-wide shared-memory reductions.
#include "common.cuh"

__device__ __forceinline__ float row_max(const float* x, int C, float* scratch) {
    float m = -INFINITY;
    for (int j = threadIdx.x; j < C; j += blockDim.x) m = nan_max(m, x[j]);
    return block_max(m, scratch);
}

extern "C" __global__ void softmax_f32(int rows, int C, const float* __restrict__ x, float* __restrict__ y) {
    __shared__ float scratch[33];
    for (long long row = blockIdx.x; row < rows; row += gridDim.x) {
        const float* xr = x + row * C;
        float* yr = y + row * C;
        float m = row_max(xr, C, scratch);
        float s = 0.0f;
        for (int j = threadIdx.x; j < C; j += blockDim.x) s += expf(xr[j] - m);
        s = block_sum(s, scratch);
        float inv = 1.0f / s;
        for (int j = threadIdx.x; j < C; j += blockDim.x) yr[j] = expf(xr[j] - m) * inv;
    }
}

extern "C" __global__ void softmax_backward_f32(int rows, int C, const float* __restrict__ y,
                                                const float* __restrict__ gy, float* __restrict__ gx) {
    __shared__ float scratch[33];
    for (long long row = blockIdx.x; row < rows; row += gridDim.x) {
        const float* yr = y + row * C;
        const float* gr = gy + row * C;
        float dot = 0.0f;
        for (int j = threadIdx.x; j < C; j += blockDim.x) dot += yr[j] * gr[j];
        dot = block_sum(dot, scratch);
        for (int j = threadIdx.x; j < C; j += blockDim.x) gx[row * C + j] = yr[j] * (gr[j] - dot);
    }
}

extern "C" __global__ void log_softmax_f32(int rows, int C, const float* __restrict__ x, float* __restrict__ y) {
    __shared__ float scratch[33];
    for (long long row = blockIdx.x; row < rows; row += gridDim.x) {
        const float* xr = x + row * C;
        float m = row_max(xr, C, scratch);
        float s = 0.0f;
        for (int j = threadIdx.x; j < C; j += blockDim.x) s += expf(xr[j] - m);
        s = block_sum(s, scratch);
        float lse = m == -INFINITY ? m : m + logf(s);
        for (int j = threadIdx.x; j < C; j += blockDim.x) y[row * C + j] = xr[j] - lse;
    }
}

extern "C" __global__ void log_softmax_backward_f32(int rows, int C, const float* __restrict__ y,
                                                    const float* __restrict__ gy, float* __restrict__ gx) {
    __shared__ float scratch[33];
    for (long long row = blockIdx.x; row < rows; row += gridDim.x) {
        const float* yr = y + row * C;
        const float* gr = gy + row * C;
        float s = 0.0f;
        for (int j = threadIdx.x; j < C; j += blockDim.x) s += gr[j];
        s = block_sum(s, scratch);
        for (int j = threadIdx.x; j < C; j += blockDim.x) gx[row * C + j] = gr[j] - expf(yr[j]) * s;
    }
}
