// CPU emulator for the CUDA kernels: the part of the CUDA C language they use, mapped onto plain C++.
// build.sh force-includes this header (g++ -include cuda_shim.h) before every .cu file and before runtime.cpp.
// Thread indices, barriers and warp shuffles are served by runtime.cpp, which runs the threads of a block as
// cooperative fibers; everything else here is a small inline function.
#pragma once

#include <math.h> // libstdc++'s math.h also brings the float overloads (exp(float), erf(float), ...) used by templates
#include <climits>
#include <cstring>
#include <type_traits>

// ---- qualifiers --------------------------------------------------------------------------------------------------
// Kernels are ordinary extern "C" functions; device functions ordinary inline ones. __restrict__ is a g++ keyword.
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
// Blocks run one after another and all threads of a block are fibers of one OS thread, so a function-local static
// is exactly "one copy per block". The section lets runtime.cpp refill all of them with 0xFF before each block:
// like uninitialised shared memory on a GPU, but loud (reads of unwritten floats give NaN).
#define __shared__ static __attribute__((section("emu_shared")))

// ---- built-in variables -------------------------------------------------------------------------------------------
struct uint3 {
    unsigned int x, y, z;
};
typedef uint3 dim3;

// CUDA's int2: two ints, 8-byte aligned (a table of them has the same layout on the host and on the GPU).
struct alignas(8) int2 {
    int x, y;
};

// Set by runtime.cpp before each fiber runs (threadIdx changes at every fiber switch). Fibers switch only inside
// opaque runtime calls, so the compiler reloads them after each __syncthreads and shuffle.
extern uint3 threadIdx, blockIdx;
extern dim3 blockDim, gridDim;
constexpr int warpSize = 32;

// ---- synchronisation (runtime.cpp) ----------------------------------------------------------------------------------
namespace emu {
void syncthreads();
// Exchanges the raw bits of v (up to 8 bytes) with lane (lane ^ laneMask) of the calling warp.
unsigned long long shfl_xor(unsigned mask, unsigned long long bits, int laneMask, int width);
} // namespace emu

inline void __syncthreads() { emu::syncthreads(); }

template <class T>
inline T __shfl_xor_sync(unsigned mask, T v, int laneMask, int width = warpSize) {
    static_assert(std::is_trivially_copyable_v<T> && sizeof(T) <= 8, "shuffles move at most 8 bytes");
    unsigned long long bits = 0;
    std::memcpy(&bits, &v, sizeof(T));
    bits = emu::shfl_xor(mask, bits, laneMask, width);
    std::memcpy(&v, &bits, sizeof(T));
    return v;
}

// ---- atomics ----------------------------------------------------------------------------------------------------
// All fibers share one OS thread and never switch inside these, so a plain read-modify-write is atomic.
inline float atomicAdd(float* p, float v) { float old = *p; *p = old + v; return old; }
inline int atomicAdd(int* p, int v) { int old = *p; *p = old + v; return old; }
inline unsigned atomicAdd(unsigned* p, unsigned v) { unsigned old = *p; *p = old + v; return old; }
inline int atomicCAS(int* p, int compare, int v) { int old = *p; if (old == compare) *p = v; return old; }

// ---- conversions and math intrinsics -------------------------------------------------------------------------------
inline float __int_as_float(int v) { float f; std::memcpy(&f, &v, 4); return f; }
inline int __float_as_int(float v) { int i; std::memcpy(&i, &v, 4); return i; }

// cvt.rzi.s32: truncate toward zero, saturate at the int range, NaN gives 0 (a plain C cast would be undefined).
inline int __double2int_rz(double v) {
    if (v != v) return 0;
    if (v >= 2147483647.0) return INT_MAX;
    if (v <= -2147483648.0) return INT_MIN;
    return (int) v;
}
inline int __float2int_rz(float v) { return __double2int_rz(v); }

inline float rsqrtf(float x) { return 1.0f / sqrtf(x); }

// CUDA's overloaded integer (and floating-point) min/max in the global namespace.
inline int min(int a, int b) { return a < b ? a : b; }
inline int max(int a, int b) { return a > b ? a : b; }
inline unsigned min(unsigned a, unsigned b) { return a < b ? a : b; }
inline unsigned max(unsigned a, unsigned b) { return a > b ? a : b; }
inline long long min(long long a, long long b) { return a < b ? a : b; }
inline long long max(long long a, long long b) { return a > b ? a : b; }
inline unsigned long long min(unsigned long long a, unsigned long long b) { return a < b ? a : b; }
inline unsigned long long max(unsigned long long a, unsigned long long b) { return a > b ? a : b; }
inline float min(float a, float b) { return fminf(a, b); }
inline float max(float a, float b) { return fmaxf(a, b); }

// ---- clock ---------------------------------------------------------------------------------------------------------
// The SM cycle counter, as a 2 GHz clock on the host's steady clock (so a wait of N cycles lasts about what it would
// on an H200).
#include <chrono>
inline long long clock64() {
    return 2 * (long long) std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::steady_clock::now().time_since_epoch()).count();
}
