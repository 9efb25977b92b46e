// Copy between any two views of one shape, converting dtypes (dst[i] = src[i]; layout operand 0 is src, 1 is dst),
// and fill of any view. Also the strided-to-contiguous copy that row kernels use for strided inputs.
// Launch: 1-D grid-stride. Float to int truncates toward zero and saturates (Java's (int) cast); BF16 rounds to
// nearest even.
#include "common.cuh"
#include <cuda_bf16.h>

template <typename S, typename D>
__device__ __forceinline__ D convert(S v) { return (D) v; }

template <> __device__ __forceinline__ int convert<float, int>(float v) { return __float2int_rz(v); }
template <> __device__ __forceinline__ __nv_bfloat16 convert<float, __nv_bfloat16>(float v) { return __float2bfloat16_rn(v); }
template <> __device__ __forceinline__ float convert<__nv_bfloat16, float>(__nv_bfloat16 v) { return __bfloat162float(v); }

template <typename S, typename D>
__device__ __forceinline__ void copy_body(int n, const S* src, D* dst, const Layout& L) {
    GRID_STRIDE(i, n) {
        int o[2];
        layout_offsets<2>(L, i, o);
        dst[o[1]] = convert<S, D>(src[o[0]]);
    }
}

extern "C" __global__ void copy_f32_f32(int n, const float* s, float* d, Layout L) { copy_body(n, s, d, L); }
extern "C" __global__ void copy_i32_i32(int n, const int* s, int* d, Layout L) { copy_body(n, s, d, L); }
extern "C" __global__ void copy_f32_i32(int n, const float* s, int* d, Layout L) { copy_body(n, s, d, L); }
extern "C" __global__ void copy_i32_f32(int n, const int* s, float* d, Layout L) { copy_body(n, s, d, L); }
extern "C" __global__ void copy_f32_bf16(int n, const float* s, __nv_bfloat16* d, Layout L) { copy_body(n, s, d, L); }
extern "C" __global__ void copy_bf16_f32(int n, const __nv_bfloat16* s, float* d, Layout L) { copy_body(n, s, d, L); }
extern "C" __global__ void copy_bf16_bf16(int n, const __nv_bfloat16* s, __nv_bfloat16* d, Layout L) { copy_body(n, s, d, L); }

// Fill: the value arrives already converted on the host (as float or int bits); layout operand 0 is dst.
extern "C" __global__ void fill_f32(int n, float* d, float value, Layout L) {
    GRID_STRIDE(i, n) {
        int o[1];
        layout_offsets<1>(L, i, o);
        d[o[0]] = value;
    }
}

extern "C" __global__ void fill_i32(int n, int* d, int value, Layout L) {
    GRID_STRIDE(i, n) {
        int o[1];
        layout_offsets<1>(L, i, o);
        d[o[0]] = value;
    }
}
