// Fused AdamW step in place on contiguous param, grad, m, v (torch.optim.AdamW semantics):
//   p *= 1 - lr*wd;  m = b1*m + (1-b1)*g;  v = b2*v + (1-b2)*g^2;  p -= (lr/bc1) * m / (sqrt(v/bc2) + eps)
// The scalar factors are computed on the host in double and passed as floats.
// adamw_f32: one tensor. Launch: 1-D grid-stride.
// adamw_multi_f32: many tensors in one launch (a training step's every parameter), from a table of AdamWTensor in
// device memory and a list of chunks (tensor index, first element); block b updates chunk b, up to chunkSize
// elements. Launch: 1-D grid of one block per chunk, any blockDim.
#include "common.cuh"

// One element's update; both kernels use it, so they compute the same bits.
__device__ __forceinline__ void adamw_element(long long i, float* __restrict__ p, const float* __restrict__ g, float* __restrict__ m,
                                              float* __restrict__ v, float decay, float beta1, float oneMinusBeta1, float beta2,
                                              float oneMinusBeta2, float stepSize, float invBiasCorrection2, float eps) {
    float gi = g[i];
    float mi = beta1 * m[i] + oneMinusBeta1 * gi;
    float vi = beta2 * v[i] + oneMinusBeta2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] = p[i] * decay - stepSize * mi / (sqrtf(vi * invBiasCorrection2) + eps);
}

extern "C" __global__ void adamw_f32(int n, float* __restrict__ p, const float* __restrict__ g, float* __restrict__ m,
                                     float* __restrict__ v, float decay, float beta1, float oneMinusBeta1, float beta2,
                                     float oneMinusBeta2, float stepSize, float invBiasCorrection2, float eps) {
    GRID_STRIDE(i, n) {
        adamw_element(i, p, g, m, v, decay, beta1, oneMinusBeta1, beta2, oneMinusBeta2, stepSize, invBiasCorrection2, eps);
    }
}

// One tensor of a multi-tensor step: 72 bytes, which the host packs as 18 ints (pointers as two ints, low first).
struct AdamWTensor {
    float* p;
    const float* g;
    float* m;
    float* v;
    int n;
    float decay, beta1, oneMinusBeta1, beta2, oneMinusBeta2, stepSize, invBiasCorrection2, eps;
};

extern "C" __global__ void adamw_multi_f32(const AdamWTensor* __restrict__ tensors, const int2* __restrict__ chunks, int chunkSize) {
    int2 chunk = chunks[blockIdx.x];
    const AdamWTensor& t = tensors[chunk.x];
    long long end = min((long long) chunk.y + chunkSize, (long long) t.n); // 64-bit: a chunk may end past 2^31 - 1
    for (long long i = chunk.y + (long long) threadIdx.x; i < end; i += blockDim.x) {
        adamw_element(i, t.p, t.g, t.m, t.v, t.decay, t.beta1, t.oneMinusBeta1, t.beta2, t.oneMinusBeta2, t.stepSize,
                      t.invBiasCorrection2, t.eps);
    }
}
