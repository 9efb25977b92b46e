// For benchmarks: holds the stream. spin_wait keeps one thread busy until `cycles` SM clock cycles (clock64) have
// passed, so that the host can queue the work to be timed behind it, which then runs back to back however slowly
// the host issued it (events around that work measure the GPU alone).
// Launch: one block of 32 threads.
#include "common.cuh"

extern "C" __global__ void spin_wait(long long cycles) {
    if (threadIdx.x != 0) return;
    long long start = clock64();
    while (clock64() - start < cycles) {
    }
}
