// CPU emulator stand-in for CUDA's <cuda_bf16.h> (found through build.sh's -I): the bfloat16 storage type and the
// two conversions the kernels use, bit-exact with CUDA's (round to nearest even; every NaN becomes the canonical
// bf16 NaN 0x7FFF, as CUDA's conversion does, so NaN bits may differ from a payload-keeping CPU conversion).
#pragma once

#include <cstring>

// Same size and layout as the GPU type: the upper 16 bits of an IEEE float.
struct __nv_bfloat16 {
    unsigned short x;
};
static_assert(sizeof(__nv_bfloat16) == 2, "bf16 is 2 bytes, as on the GPU");

inline __nv_bfloat16 __float2bfloat16_rn(float f) {
    unsigned int u;
    std::memcpy(&u, &f, 4);
    if ((u & 0x7fffffffu) > 0x7f800000u) return {0x7fff}; // rounding its bits could turn a NaN into inf
    u += 0x7fffu + ((u >> 16) & 1u); // round to nearest, ties to the even upper half (overflows to inf correctly)
    return {(unsigned short) (u >> 16)};
}

inline float __bfloat162float(__nv_bfloat16 h) {
    unsigned int u = (unsigned int) h.x << 16;
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}
