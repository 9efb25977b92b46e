// GELU (exact, erf-based, as jtrain.engine.Erf) on contiguous tensors: the fast path of unary GELU and of binary
// GELU_BACKWARD (gx = gy * gelu'(x)) when no operand is a strided view. Strided views go through elementwise.cu.
// Launch: 1-D grid-stride.
#include "common.cuh"

extern "C" __global__ void gelu_forward_f32(int n, const float* __restrict__ x, float* __restrict__ y) {
    GRID_STRIDE(i, n) y[i] = gelu_f(x[i]);
}

extern "C" __global__ void gelu_backward_f32(int n, const float* __restrict__ x, const float* __restrict__ gy,
                                             float* __restrict__ gx) {
    GRID_STRIDE(i, n) gx[i] = gy[i] * gelu_grad_f(x[i]);
}
