// Fused AdamW step in place on contiguous param, grad, m, v (torch.optim.AdamW semantics):
//   p *= 1 - lr*wd;  m = b1*m + (1-b1)*g;  v = b2*v + (1-b2)*g^2;  p -= (lr/bc1) * m / (sqrt(v/bc2) + eps)
// The scalar factors are computed on the host in double and passed as floats.
// Launch: 1-D grid-stride.
#include "common.cuh"

extern "C" __global__ void adamw_f32(int n, float* __restrict__ p, const float* __restrict__ g, float* __restrict__ m,
                                     float* __restrict__ v, float decay, float beta1, float oneMinusBeta1, float beta2,
                                     float oneMinusBeta2, float stepSize, float invBiasCorrection2, float eps) {
    GRID_STRIDE(i, n) {
        float gi = g[i];
        float mi = beta1 * m[i] + oneMinusBeta1 * gi;
        float vi = beta2 * v[i] + oneMinusBeta2 * gi * gi;
        m[i] = mi;
        v[i] = vi;
        p[i] = p[i] * decay - stepSize * mi / (sqrtf(vi * invBiasCorrection2) + eps);
    }
}
