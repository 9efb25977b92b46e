// GELU's tanh approximation, 0.5 x (1 + tanh(c (x + 0.044715 x^3))), and swish, x sigmoid(c x), with their
// backward passes (gx = gy * f'(x)), on contiguous tensors, as jtrain.engine.backend.ReferenceBackend.activation
// specifies them; c is the formula's constant (jtrain.engine.backend.Backend.Activation). Both are x sigmoid(z), with
// z = 2c (x + 0.044715 x^3) (since 0.5 (1 + tanh u) = sigmoid(2u)) or z = c x, and the sigmoid is computed from
// e = exp(-|z|) <= 1, which never overflows and keeps x sigmoid(z) accurate in the negative tail:
// sigmoid(z) = 1 / (1 + e) for z >= 0, e / (1 + e) below, and sigmoid(z) (1 - sigmoid(z)) = e / (1 + e)^2.
// Launch: 1-D grid-stride.
#include "common.cuh"

#define GELU_TANH_CUBIC 0.044715f

// sigmoid(z), given e = exp(-|z|) and r = 1 / (1 + e).
__device__ __forceinline__ float sigmoid_from(float z, float e, float r) {
    return z < 0.0f ? e * r : r;
}

extern "C" __global__ void gelu_tanh_forward_f32(int n, float c, const float* __restrict__ x, float* __restrict__ y) {
    float c2 = 2.0f * c, c2k = c2 * GELU_TANH_CUBIC;
    GRID_STRIDE(i, n) {
        float v = x[i], z = v * fmaf(v * v, c2k, c2), e = expf(-fabsf(z));
        y[i] = v * sigmoid_from(z, e, 1.0f / (1.0f + e));
    }
}

// f'(x) = s + x s (1 - s) z', z' = 2c + 6ck x^2, with x^2 capped at 1e30 in z' so that it stays finite where x^2
// overflows: there s (1 - s) is exactly 0, and so is the second term (x = +-infinity gives NaN, as in the reference).
extern "C" __global__ void gelu_tanh_backward_f32(int n, float c, const float* __restrict__ x, const float* __restrict__ gy,
                                                  float* __restrict__ gx) {
    float c2 = 2.0f * c, c2k = c2 * GELU_TANH_CUBIC;
    GRID_STRIDE(i, n) {
        float v = x[i], v2 = v * v, z = v * fmaf(v2, c2k, c2), e = expf(-fabsf(z)), r = 1.0f / (1.0f + e);
        gx[i] = gy[i] * fmaf(v * (e * r * r), fmaf(fminf(v2, 1e30f), 3.0f * c2k, c2), sigmoid_from(z, e, r));
    }
}

extern "C" __global__ void swish_forward_f32(int n, float c, const float* __restrict__ x, float* __restrict__ y) {
    GRID_STRIDE(i, n) {
        float v = x[i], z = c * v, e = expf(-fabsf(z));
        y[i] = v * sigmoid_from(z, e, 1.0f / (1.0f + e));
    }
}

// f'(x) = s + c x s (1 - s), with x s (1 - s) first: c x may overflow where s (1 - s) is 0.
extern "C" __global__ void swish_backward_f32(int n, float c, const float* __restrict__ x, const float* __restrict__ gy,
                                              float* __restrict__ gx) {
    GRID_STRIDE(i, n) {
        float v = x[i], z = c * v, e = expf(-fabsf(z)), r = 1.0f / (1.0f + e);
        gx[i] = gy[i] * fmaf(v * (e * r * r), c, sigmoid_from(z, e, r));
    }
}
