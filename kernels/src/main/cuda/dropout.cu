// Dropout mask: mask[i] = keep (= 1/(1-p), rounded to float on the host) or 0, bit-identical to the CPU's
// ReferenceBackend.dropoutKeeps: bits = splitmix64_mix(seed + 0x9E3779B97F4A7C15 * (i + 1)); element i is kept
// when (bits >>> 40) * 2^-24 >= p, which the host turns into the exact integer test (bits >>> 40) >= threshold
// with threshold = ceil(p * 2^24). Unsigned 64-bit arithmetic wraps exactly like Java's long.
// Launch: 1-D grid-stride.
#include "common.cuh"

__device__ __forceinline__ unsigned long long splitmix64_mix(unsigned long long z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

extern "C" __global__ void dropout_mask_f32(int n, unsigned long long seed, long long threshold, float keep,
                                            float* __restrict__ mask) {
    GRID_STRIDE(i, n) {
        unsigned long long bits = splitmix64_mix(seed + 0x9E3779B97F4A7C15ull * (unsigned long long) (i + 1));
        long long u24 = (long long) (bits >> 40);
        mask[i] = u24 >= threshold ? keep : 0.0f;
    }
}
