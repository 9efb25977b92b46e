// Fused softmax cross-entropy of logits (N, C) contiguous against I32 targets (N), ignoring targets equal to
// ignoreIndex, as a mean over the counted rows (0 when none counts):
//   rows:     lse[i] = logsumexp(logits[i, :]); rowLoss[i] = lse[i] - logits[i, t_i]; rowCount[i] = 1 (0 if ignored)
//   finish:   loss = sum(rowLoss) / sum(rowCount)                      (one block: no host synchronisation)
//   count:    count = number of rows whose target is counted           (one block)
//   backward: g[i, j] = (exp(logits[i, j] - lse[i]) - [j == t_i]) * gLoss / count; ignored rows get 0
// Out-of-range targets are recorded (see common.cuh) and count as ignored.
// Launch: rows kernel one block per row (grid-stride), blockDim a multiple of 32; finish/count ONE block;
// backward 1-D grid-stride over N * C.
#include "common.cuh"

// Whether a row's target counts: not the ignore index, and inside [0, C) (a bad one is recorded by the rows kernel).
__device__ __forceinline__ bool counted_target(int t, int ignoreIndex, int C) {
    return t != ignoreIndex && t >= 0 && t < C;
}

extern "C" __global__ void cross_entropy_rows_f32(int N, int C, int ignoreIndex, const float* __restrict__ logits,
                                                  const int* __restrict__ targets, float* __restrict__ lse,
                                                  float* __restrict__ rowLoss, float* __restrict__ rowCount,
                                                  int* err) {
    __shared__ float scratch[33];
    for (long long row = blockIdx.x; row < N; row += gridDim.x) {
        const float* xr = logits + row * C;
        float m = -INFINITY;
        for (int j = threadIdx.x; j < C; j += blockDim.x) m = nan_max(m, xr[j]);
        m = block_max(m, scratch);
        float s = 0.0f;
        for (int j = threadIdx.x; j < C; j += blockDim.x) s += expf(xr[j] - m);
        s = block_sum(s, scratch);
        if (threadIdx.x == 0) {
            float l = m == -INFINITY ? m : m + logf(s);
            lse[row] = l;
            int t = targets[row];
            bool counted = counted_target(t, ignoreIndex, C);
            if (!counted && t != ignoreIndex) record_error(err, ERR_CROSS_ENTROPY_TARGET, t, row, C);
            rowLoss[row] = counted ? l - xr[t] : 0.0f;
            rowCount[row] = counted ? 1.0f : 0.0f;
        }
    }
}

extern "C" __global__ void cross_entropy_finish_f32(int N, const float* __restrict__ rowLoss,
                                                    const float* __restrict__ rowCount, float* __restrict__ loss) {
    __shared__ float scratch[33];
    float total = 0.0f, count = 0.0f;
    for (int i = threadIdx.x; i < N; i += blockDim.x) {
        total += rowLoss[i];
        count += rowCount[i];
    }
    total = block_sum(total, scratch);
    count = block_sum(count, scratch);
    if (threadIdx.x == 0) loss[0] = count == 0.0f ? 0.0f : total / count;
}

extern "C" __global__ void cross_entropy_count_f32(int N, int C, int ignoreIndex, const int* __restrict__ targets,
                                                   float* __restrict__ count) {
    __shared__ float scratch[33];
    float c = 0.0f;
    for (int i = threadIdx.x; i < N; i += blockDim.x) c += counted_target(targets[i], ignoreIndex, C) ? 1.0f : 0.0f;
    c = block_sum(c, scratch);
    if (threadIdx.x == 0) count[0] = c;
}

extern "C" __global__ void cross_entropy_backward_f32(int N, int C, int ignoreIndex, const float* __restrict__ logits,
                                                      const float* __restrict__ lse, const int* __restrict__ targets,
                                                      const float* __restrict__ gLoss, const float* __restrict__ count,
                                                      float* __restrict__ g) {
    float c = *count;
    float scale = c == 0.0f ? 0.0f : *gLoss / c;
    GRID_STRIDE(k, (long long) N * C) {
        long long i = k / C;
        int j = (int) (k - i * C);
        int t = targets[i];
        if (!counted_target(t, ignoreIndex, C)) {
            g[k] = 0.0f;
        } else {
            float p = expf(logits[k] - lse[i]);
            g[k] = (p - (j == t ? 1.0f : 0.0f)) * scale;
        }
    }
}
