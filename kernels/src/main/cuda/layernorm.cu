// LayerNorm over the last dimension (rows of length C, contiguous):
//   forward:  mean, rstd = 1/sqrt(var + eps) (two-pass variance), y = (x - mean) * rstd * gamma + beta
//   backward: gx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) with dxhat = gy * gamma (row-wise),
//             ggamma = sum over rows of gy * xhat, gbeta = sum over rows of gy (column-wise, in two launches).
// Launch: row kernels one block per row (grid-stride), blockDim a multiple of 32; the parameter-gradient partials
// on a grid (ceil(C / blockDim), chunks) with rowsPerChunk rows each, finished by reduce.cu's colsum_finish_f32.
#include "common.cuh"

extern "C" __global__ void layernorm_forward_f32(int rows, int C, float eps, const float* __restrict__ x,
                                                 const float* __restrict__ gamma, const float* __restrict__ beta,
                                                 float* __restrict__ y, float* __restrict__ mean,
                                                 float* __restrict__ rstd) {
    __shared__ float scratch[33];
    for (long long row = blockIdx.x; row < rows; row += gridDim.x) {
        const float* xr = x + row * C;
        float s = 0.0f;
        for (int j = threadIdx.x; j < C; j += blockDim.x) s += xr[j];
        float mu = block_sum(s, scratch) / C;
        float v = 0.0f;
        for (int j = threadIdx.x; j < C; j += blockDim.x) {
            float d = xr[j] - mu;
            v += d * d;
        }
        float rs = 1.0f / sqrtf(block_sum(v, scratch) / C + eps);
        for (int j = threadIdx.x; j < C; j += blockDim.x) y[row * C + j] = (xr[j] - mu) * rs * gamma[j] + beta[j];
        if (threadIdx.x == 0) {
            mean[row] = mu;
            rstd[row] = rs;
        }
    }
}

extern "C" __global__ void layernorm_backward_input_f32(int rows, int C, const float* __restrict__ gy,
                                                        const float* __restrict__ x, const float* __restrict__ gamma,
                                                        const float* __restrict__ mean, const float* __restrict__ rstd,
                                                        float* __restrict__ gx) {
    __shared__ float scratch[33];
    for (long long row = blockIdx.x; row < rows; row += gridDim.x) {
        const float* xr = x + row * C;
        const float* gr = gy + row * C;
        float mu = mean[row], rs = rstd[row];
        float a = 0.0f, b = 0.0f;
        for (int j = threadIdx.x; j < C; j += blockDim.x) {
            float dxhat = gr[j] * gamma[j];
            a += dxhat;
            b += dxhat * (xr[j] - mu) * rs;
        }
        float meanDxhat = block_sum(a, scratch) / C;
        float meanDxhatXhat = block_sum(b, scratch) / C;
        for (int j = threadIdx.x; j < C; j += blockDim.x) {
            float xhat = (xr[j] - mu) * rs;
            gx[row * C + j] = rs * (gr[j] * gamma[j] - meanDxhat - xhat * meanDxhatXhat);
        }
    }
}

// pg[chunk * C + j] = sum of gy * xhat and pb[chunk * C + j] = sum of gy over the chunk's rows, for column j.
extern "C" __global__ void layernorm_backward_params_partial_f32(int rows, int C, int rowsPerChunk,
                                                                 const float* __restrict__ gy,
                                                                 const float* __restrict__ x,
                                                                 const float* __restrict__ mean,
                                                                 const float* __restrict__ rstd,
                                                                 float* __restrict__ pg, float* __restrict__ pb) {
    int j = blockIdx.x * blockDim.x + threadIdx.x;
    if (j >= C) return;
    int from = blockIdx.y * rowsPerChunk, to = min(rows, from + rowsPerChunk);
    float sg = 0.0f, sb = 0.0f;
    for (int r = from; r < to; r++) {
        long long k = (long long) r * C + j;
        float g = gy[k];
        sg += g * (x[k] - mean[r]) * rstd[r];
        sb += g;
    }
    pg[(long long) blockIdx.y * C + j] = sg;
    pb[(long long) blockIdx.y * C + j] = sb;
}
