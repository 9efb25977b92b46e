// Shared pieces of the jtrain kernels: op codes (they must equal the Java enum ordinals of
// jtrain.engine.backend.Backend.Unary/Binary/Reduce; a CPU test checks this), the strided layout walked by the
// elementwise kernels, block-wide reductions and the device-side error record.
#pragma once

// ---- op codes --------------------------------------------------------------------------------------------
#define UNARY_NEG 0
#define UNARY_EXP 1
#define UNARY_LOG 2
#define UNARY_SQRT 3
#define UNARY_RSQRT 4
#define UNARY_TANH 5
#define UNARY_GELU 6
#define UNARY_RECIPROCAL 7
#define UNARY_SQUARE 8
#define UNARY_ABS 9

#define BINARY_ADD 0
#define BINARY_SUB 1
#define BINARY_MUL 2
#define BINARY_DIV 3
#define BINARY_POW 4
#define BINARY_MAX 5
#define BINARY_MIN 6
#define BINARY_EQ 7
#define BINARY_GT 8
#define BINARY_LT 9
#define BINARY_GELU_BACKWARD 10

#define REDUCE_SUM 0
#define REDUCE_MAX 1

// ---- error record ------------------------------------------------------------------------------------------
// Kernels cannot throw, and checking ids on the host would need a synchronisation inside the step. A kernel that
// meets a bad id records the first one here (code, id, flat position, limit); the host reads it at its next
// synchronisation (item(), toHost) and throws there.
#define ERR_EMBEDDING 1
#define ERR_EMBEDDING_BACKWARD 2
#define ERR_CROSS_ENTROPY_TARGET 3

__device__ __forceinline__ void record_error(int* err, int code, int id, long long position, int limit) {
    if (atomicCAS(err, 0, code) == 0) {
        err[1] = id;
        err[2] = (int) position;
        err[3] = limit;
    }
}

// ---- strided layout ------------------------------------------------------------------------------------------
// Up to three operands of one shape, with dimensions merged on the host (see jtrain.cuda.Layouts). Element i in
// row-major order of the shape is at offset[k] + sum_d coord_d(i) * stride[k][d] in operand k. Sizes and strides
// are in elements; the host packs this struct as 36 ints.
#define MAX_RANK 8
struct Layout {
    int rank;
    int size[MAX_RANK];
    int stride[3][MAX_RANK];
    int offset[3];
};

// Storage offsets of element i (0 <= i < numel) for the first K operands.
template <int K>
__device__ __forceinline__ void layout_offsets(const Layout& L, long long i, int* off) {
    if (L.rank == 1) { // the common case (operands of one shape, contiguous or evenly strided): no division
#pragma unroll
        for (int k = 0; k < K; k++) off[k] = L.offset[k] + (int) i * L.stride[k][0];
        return;
    }
#pragma unroll
    for (int k = 0; k < K; k++) off[k] = L.offset[k];
    int rest = (int) i;
#pragma unroll
    for (int d = MAX_RANK - 1; d >= 0; d--) {
        if (d < L.rank) {
            int n = L.size[d];
            int c = rest % n;
            rest /= n;
#pragma unroll
            for (int k = 0; k < K; k++) off[k] += c * L.stride[k][d];
        }
    }
}

// Grid-stride loop over [0, n): every launch shape covers every element, however large n is.
#define GRID_STRIDE(i, n) \
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < (long long) (n); \
         i += (long long) gridDim.x * blockDim.x)

// ---- math shared by several kernels -----------------------------------------------------------------------------
// Exact (erf) GELU like jtrain.engine.Erf, in float.
__device__ __forceinline__ float gelu_f(float x) {
    return 0.5f * x * (1.0f + erff(x * 0.70710678118654752f));
}

__device__ __forceinline__ float gelu_grad_f(float x) {
    return 0.5f * (1.0f + erff(x * 0.70710678118654752f)) + x * expf(-0.5f * x * x) * 0.39894228040143268f;
}

// Math.max / Math.min semantics: NaN if either operand is NaN.
__device__ __forceinline__ float nan_max(float a, float b) {
    return (a != a || b != b) ? __int_as_float(0x7fc00000) : fmaxf(a, b);
}

__device__ __forceinline__ float nan_min(float a, float b) {
    return (a != a || b != b) ? __int_as_float(0x7fc00000) : fminf(a, b);
}

// ---- block reductions -----------------------------------------------------------------------------------------
// For any blockDim.x that is a multiple of 32 (up to 1024). Every thread of the block must call them; all get the
// result. scratch must hold 33 floats of shared memory; consecutive calls may reuse it.
__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

__device__ __forceinline__ float warp_max(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v = nan_max(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

__device__ __forceinline__ float block_reduce(float v, float* scratch, bool isMax) {
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    v = isMax ? warp_max(v) : warp_sum(v);
    __syncthreads(); // the previous call's readers of scratch[32] are done
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    if (warp == 0) {
        float w = lane < warps ? scratch[lane] : (isMax ? -INFINITY : 0.0f);
        w = isMax ? warp_max(w) : warp_sum(w);
        if (lane == 0) scratch[32] = w;
    }
    __syncthreads();
    return scratch[32];
}

__device__ __forceinline__ float block_sum(float v, float* scratch) {
    return block_reduce(v, scratch, false);
}

__device__ __forceinline__ float block_max(float v, float* scratch) {
    return block_reduce(v, scratch, true);
}
