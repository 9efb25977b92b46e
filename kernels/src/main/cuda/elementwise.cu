// Elementwise and broadcast kernels over strided views: y = op(x), c = op(a, b), where(cond, a, b), dst += src,
// dst *= scalar. Broadcast operands arrive as stride-0 dimensions in the Layout; the output is contiguous.
// Launch: 1-D grid-stride, any grid (the host uses 256 threads and enough blocks to fill the GPU).
// F32 computes in float; I32 computes in double and truncates toward zero on store, like the reference backend.
#include "common.cuh"

template <typename T>
__device__ __forceinline__ T unary_op(int op, T x) {
    switch (op) {
        case UNARY_NEG: return -x;
        case UNARY_EXP: return exp(x);
        case UNARY_LOG: return log(x);
        case UNARY_SQRT: return sqrt(x);
        case UNARY_RSQRT: return T(1) / sqrt(x);
        case UNARY_TANH: return tanh(x);
        case UNARY_GELU: return T(0.5) * x * (T(1) + erf(x * T(0.70710678118654752)));
        case UNARY_RECIPROCAL: return T(1) / x;
        case UNARY_SQUARE: return x * x;
        case UNARY_ABS: return fabs(x);
        default: return x;
    }
}

template <typename T>
__device__ __forceinline__ T binary_op(int op, T a, T b) {
    switch (op) {
        case BINARY_ADD: return a + b;
        case BINARY_SUB: return a - b;
        case BINARY_MUL: return a * b;
        case BINARY_DIV: return a / b;
        case BINARY_POW: return pow(a, b);
        case BINARY_MAX: return (a != a || b != b) ? a + b : (a > b ? a : b);
        case BINARY_MIN: return (a != a || b != b) ? a + b : (a < b ? a : b);
        case BINARY_EQ: return a == b ? T(1) : T(0);
        case BINARY_GT: return a > b ? T(1) : T(0);
        case BINARY_LT: return a < b ? T(1) : T(0);
        case BINARY_GELU_BACKWARD:
            return b * (T(0.5) * (T(1) + erf(a * T(0.70710678118654752)))
                        + a * exp(T(-0.5) * a * a) * T(0.39894228040143268));
        default: return a;
    }
}

// Java's (int) cast: truncation, saturating at the int range, NaN to 0 (cvt.rzi.s32.f64 does exactly that).
__device__ __forceinline__ int to_int(double v) {
    return __double2int_rz(v);
}

extern "C" __global__ void unary_f32(int op, int n, const float* __restrict__ x, float* __restrict__ y, Layout L) {
    GRID_STRIDE(i, n) {
        int o[1];
        layout_offsets<1>(L, i, o);
        y[i] = unary_op<float>(op, x[o[0]]);
    }
}

extern "C" __global__ void unary_i32(int op, int n, const int* __restrict__ x, int* __restrict__ y, Layout L) {
    GRID_STRIDE(i, n) {
        int o[1];
        layout_offsets<1>(L, i, o);
        y[i] = to_int(unary_op<double>(op, (double) x[o[0]]));
    }
}

extern "C" __global__ void binary_f32(int op, int n, const float* __restrict__ a, const float* __restrict__ b,
                                      float* __restrict__ c, Layout L) {
    GRID_STRIDE(i, n) {
        int o[2];
        layout_offsets<2>(L, i, o);
        c[i] = binary_op<float>(op, a[o[0]], b[o[1]]);
    }
}

extern "C" __global__ void binary_i32(int op, int n, const int* __restrict__ a, const int* __restrict__ b,
                                      int* __restrict__ c, Layout L) {
    GRID_STRIDE(i, n) {
        int o[2];
        layout_offsets<2>(L, i, o);
        c[i] = to_int(binary_op<double>(op, (double) a[o[0]], (double) b[o[1]]));
    }
}

// out = cond != 0 ? a : b, for each pairing of condition and value dtypes.
template <typename C, typename V>
__device__ __forceinline__ void where_body(int n, const C* cond, const V* a, const V* b, V* out, const Layout& L) {
    GRID_STRIDE(i, n) {
        int o[3];
        layout_offsets<3>(L, i, o);
        out[i] = cond[o[0]] != C(0) ? a[o[1]] : b[o[2]];
    }
}

extern "C" __global__ void where_f32_f32(int n, const float* c, const float* a, const float* b, float* out, Layout L) {
    where_body<float, float>(n, c, a, b, out, L);
}

extern "C" __global__ void where_i32_f32(int n, const int* c, const float* a, const float* b, float* out, Layout L) {
    where_body<int, float>(n, c, a, b, out, L);
}

extern "C" __global__ void where_f32_i32(int n, const float* c, const int* a, const int* b, int* out, Layout L) {
    where_body<float, int>(n, c, a, b, out, L);
}

extern "C" __global__ void where_i32_i32(int n, const int* c, const int* a, const int* b, int* out, Layout L) {
    where_body<int, int>(n, c, a, b, out, L);
}

// dst[i] += src[...]: dst contiguous, src any view (operand 0 of the layout). Gradient accumulation.
extern "C" __global__ void add_inplace_f32(int n, float* __restrict__ dst, const float* __restrict__ src, Layout L) {
    GRID_STRIDE(i, n) {
        int o[1];
        layout_offsets<1>(L, i, o);
        dst[i] += src[o[0]];
    }
}

// dst[i] *= *scalar: the factor stays on the device, so gradient clipping needs no host round trip.
extern "C" __global__ void scale_inplace_f32(int n, float* __restrict__ dst, const float* __restrict__ scalar) {
    float k = *scalar;
    GRID_STRIDE(i, n) dst[i] *= k;
}
