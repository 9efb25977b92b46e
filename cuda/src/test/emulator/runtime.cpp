// CPU emulator: launches a registered kernel with CUDA semantics on the calling OS thread. The blocks of the grid
// run one after another; the threads of a block run as cooperative fibers (ucontext) that switch only at
// __syncthreads and at warp shuffles, the only places where CUDA makes threads wait for each other. A launch that
// can never finish (a deadlock, a shuffle in an incomplete warp) is abandoned and reported, never left hanging.
// Also the emulated device memory (emu_alloc, emu_free). The exported C functions are listed in README.md.
#include "registry.h"

#include <sys/mman.h>
#include <ucontext.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>

uint3 threadIdx, blockIdx;
dim3 blockDim, gridDim;

// The linker defines these around the emu_shared section where cuda_shim.h puts every __shared__ variable; weak,
// so that a library without any shared memory still links.
extern "C" char __start_emu_shared[] __attribute__((weak));
extern "C" char __stop_emu_shared[] __attribute__((weak));

namespace emu {
namespace {

constexpr int kMaxThreads = 1024;
constexpr int kWarp = 32;
constexpr size_t kStackBytes = 64 * 1024;
constexpr size_t kGuardBytes = 4096; // an inaccessible page below each stack turns an overflow into a crash

enum class State : unsigned char { Ready, AtBarrier, AtShuffle, Exited };

struct Kernel {
    Invoker invoker;
    int parameters;
    const int* sizes; // bytes of each parameter
};

std::map<std::string, Kernel>& kernels() {
    static std::map<std::string, Kernel> table; // function-local: registrations run during static initialisation
    return table;
}

// Everything about the launch in progress; one launch at a time (launchLock), so one instance suffices.
struct Launch {
    Invoker invoker;
    void** args;
    int threads; // blockDim.x

    char* stacks = nullptr; // kMaxThreads stacks, allocated on first use and kept
    ucontext_t host;        // where emu_launch waits while the fibers of a block run
    ucontext_t fibers[kMaxThreads];
    State state[kMaxThreads];
    int current;

    int queue[kMaxThreads]; // ready fibers, first in first out
    int head, queued;

    int live;      // threads that have not exited: the ones __syncthreads waits for (as on sm_70 and later)
    int atBarrier; // of them, how many wait at __syncthreads
    int warpLive[kMaxThreads / kWarp], warpArrived[kMaxThreads / kWarp];
    // Shuffle values, double-buffered per warp: a lane can write buffer b again only after its warp completed a
    // shuffle in the other buffer, which every lane enters only after reading b. So no second warp barrier (before
    // a slot is reused) is needed, which halves the fiber switches of a shuffle.
    unsigned char warpBuffer[kMaxThreads / kWarp];
    unsigned long long slots[2][kMaxThreads];

    std::string error;
};

Launch L;
std::mutex launchLock;
// emu_set_reversed: run blocks, and queue the threads of a block, in descending order. A kernel whose result
// depends on the order (a read of another thread's write with no barrier between, a block waiting on another
// block) then gives a different answer, which a comparison of the two orders shows.
bool reversed = false;

// The i-th of n in the current order.
int nth(int i, int n) {
    return reversed ? n - 1 - i : i;
}

void push(int t) {
    L.queue[(L.head + L.queued++) % kMaxThreads] = t;
}

int pop() {
    int t = L.queue[L.head];
    L.head = (L.head + 1) % kMaxThreads;
    L.queued--;
    return t;
}

// Back to emu_launch; the calling fiber is never resumed (its block is done or the launch abandoned).
[[noreturn]] void leaveToHost() {
    swapcontext(&L.fibers[L.current], &L.host);
    std::abort();
}

// "threads 0-15, 32-47" for the threads of this block in state s.
std::string threadsIn(State s) {
    std::string list;
    int count = 0;
    for (int t = 0; t < L.threads; t++) {
        if (L.state[t] != s || (t > 0 && L.state[t - 1] == s)) continue;
        int last = t;
        while (last + 1 < L.threads && L.state[last + 1] == s) last++;
        list += (list.empty() ? "" : ", ") + std::to_string(t) + (last > t ? "-" + std::to_string(last) : "");
        count += last - t + 1;
    }
    return count == 0 ? "" : (count == 1 ? "thread " : "threads ") + list;
}

std::string where() {
    return "block (" + std::to_string(blockIdx.x) + ", " + std::to_string(blockIdx.y) + ")";
}

// Abandons the launch with a message about the current thread (printf-style: no strings left in the dead frame).
[[noreturn]] __attribute__((format(printf, 1, 2))) void fail(const char* format, ...) {
    char what[300];
    va_list list;
    va_start(list, format);
    std::vsnprintf(what, sizeof what, format, list);
    va_end(list);
    L.error = "in " + where() + ", thread " + std::to_string(L.current) + " " + what;
    leaveToHost();
}

[[noreturn]] void failDeadlock() {
    {
        std::string shuffle = threadsIn(State::AtShuffle), barrier = threadsIn(State::AtBarrier);
        std::string exited = threadsIn(State::Exited);
        std::string what = shuffle.empty() ? "" : shuffle + " wait at a warp shuffle";
        if (!barrier.empty()) what += (what.empty() ? "" : " while ") + barrier + " wait at __syncthreads";
        if (!exited.empty()) what += " (exited: " + exited + ")";
        L.error = "deadlock in " + where() + ": " + what;
    }
    leaveToHost();
}

// The current fiber has stopped (it waits or has exited): run the next ready one. Returns when this fiber is
// resumed; whoever resumes it has set L.current and threadIdx.
void switchAway() {
    if (L.queued == 0) {
        if (L.live == 0) leaveToHost(); // the block is done
        failDeadlock();                 // live threads remain, and all of them wait for something that cannot come
    }
    int me = L.current, next = pop();
    if (next == me) return;
    L.current = next;
    threadIdx.x = next;
    swapcontext(&L.fibers[me], &L.fibers[next]);
}

void releaseBarrier() {
    for (int i = 0; i < L.threads; i++) {
        int t = nth(i, L.threads);
        if (L.state[t] == State::AtBarrier) {
            L.state[t] = State::Ready;
            push(t);
        }
    }
    L.atBarrier = 0;
}

void releaseWarp(int w) {
    for (int i = 0; i < kWarp; i++) {
        int t = w * kWarp + nth(i, kWarp);
        L.state[t] = State::Ready;
        push(t);
    }
    L.warpArrived[w] = 0;
    L.warpBuffer[w] ^= 1;
}

void fiberMain() {
    L.invoker(L.args);
    int t = L.current;
    L.state[t] = State::Exited;
    L.live--;
    L.warpLive[t / kWarp]--;
    if (L.live > 0 && L.atBarrier == L.live) releaseBarrier(); // the barrier no longer waits for this thread
    switchAway();
    std::abort(); // an exited fiber is never queued again
}

std::string allocateStacks() {
    size_t each = kStackBytes + kGuardBytes;
    int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE; // pages are committed only when a stack touches them
    void* p = mmap(nullptr, each * kMaxThreads, PROT_READ | PROT_WRITE, flags, -1, 0);
    if (p == MAP_FAILED) return "cannot map the fiber stacks";
    char* stacks = static_cast<char*>(p);
    for (int t = 0; t < kMaxThreads; t++) {
        if (mprotect(stacks + t * each, kGuardBytes, PROT_NONE) != 0) {
            munmap(p, each * kMaxThreads);
            return "cannot protect the fiber stacks";
        }
        getcontext(&L.fibers[t]); // once: later blocks only makecontext again (getcontext costs a system call)
    }
    L.stacks = stacks;
    return "";
}

std::string runBlock() {
    if (__start_emu_shared != nullptr) std::memset(__start_emu_shared, 0xFF, __stop_emu_shared - __start_emu_shared);
    L.head = L.queued = 0;
    for (int t = 0; t < L.threads; t++) {
        ucontext_t& c = L.fibers[t];
        c.uc_stack.ss_sp = L.stacks + t * (kStackBytes + kGuardBytes) + kGuardBytes;
        c.uc_stack.ss_size = kStackBytes;
        c.uc_link = nullptr;
        makecontext(&c, fiberMain, 0);
        L.state[t] = State::Ready;
    }
    for (int i = 0; i < L.threads; i++) push(nth(i, L.threads));
    L.live = L.threads;
    L.atBarrier = 0;
    for (int w = 0; w * kWarp < L.threads; w++) {
        L.warpLive[w] = std::min(kWarp, L.threads - w * kWarp);
        L.warpArrived[w] = 0;
        L.warpBuffer[w] = 0;
    }
    L.current = pop();
    threadIdx = {(unsigned) L.current, 0, 0};
    swapcontext(&L.host, &L.fibers[L.current]);
    return L.error;
}

std::string launch(const char* name, int gridX, int gridY, int blockX, void** args, int argumentCount,
                   const int* argumentSizes) {
    if (name == nullptr) return "no kernel name";
    auto k = kernels().find(name);
    if (k == kernels().end()) return "unknown kernel (not in the emulator's library)";
    if (gridX < 1 || gridY < 1 || gridY > 65535 || blockX < 1 || blockX > kMaxThreads) {
        return "bad launch shape: grid (" + std::to_string(gridX) + ", " + std::to_string(gridY) + "), block "
               + std::to_string(blockX) + " (grid needs x >= 1 and 1 <= y <= 65535; block 1 to 1024 threads)";
    }
    if (argumentCount != k->second.parameters) {
        return std::to_string(argumentCount) + " arguments for " + std::to_string(k->second.parameters)
               + " parameters (is the emulator library older than the kernel sources? rebuild it)";
    }
    for (int i = 0; i < k->second.parameters; i++) {
        if (args == nullptr || args[i] == nullptr) return "argument " + std::to_string(i) + " is missing (null)";
        if (argumentSizes[i] != k->second.sizes[i]) {
            return "argument " + std::to_string(i) + " has " + std::to_string(argumentSizes[i]) + " bytes, the parameter "
                   + std::to_string(k->second.sizes[i]) + " (is the emulator library older than the kernel sources?)";
        }
    }
    if (L.stacks == nullptr) {
        std::string problem = allocateStacks();
        if (!problem.empty()) return problem;
    }
    L.invoker = k->second.invoker;
    L.args = args;
    L.threads = blockX;
    gridDim = {(unsigned) gridX, (unsigned) gridY, 1};
    blockDim = {(unsigned) blockX, 1, 1};
    for (int j = 0; j < gridY; j++) {
        for (int i = 0; i < gridX; i++) {
            blockIdx = {(unsigned) nth(i, gridX), (unsigned) nth(j, gridY), 0};
            std::string problem = runBlock();
            if (!problem.empty()) return problem;
        }
    }
    return "";
}

} // namespace

void registerKernel(const char* name, Invoker invoker, int parameters, const int* sizes) {
    kernels().emplace(name, Kernel{invoker, parameters, sizes});
}

void syncthreads() {
    L.state[L.current] = State::AtBarrier;
    if (++L.atBarrier == L.live) releaseBarrier();
    switchAway();
}

unsigned long long shfl_xor(unsigned mask, unsigned long long bits, int laneMask, int width) {
    int t = L.current, w = t / kWarp, lane = t % kWarp;
    if (mask != 0xffffffffu) fail("calls __shfl_xor_sync with mask 0x%x; only the full mask is emulated", mask);
    if (width != kWarp) fail("calls __shfl_xor_sync with width %d; only 32 is emulated", width);
    if (L.warpLive[w] < kWarp) {
        int size = std::min(kWarp, L.threads - w * kWarp);
        if (size < kWarp) {
            fail("calls __shfl_xor_sync in warp %d, which has only %d threads (blockDim.x = %d is not a multiple of "
                 "32): lanes of the full mask can never arrive", w, size, L.threads);
        }
        fail("calls __shfl_xor_sync in warp %d, where %d threads have exited: they can never arrive", w,
             kWarp - L.warpLive[w]);
    }
    int partner = lane ^ laneMask;
    if (partner < 0 || partner >= kWarp) partner = lane; // shfl.bfly: a source lane out of range reads its own value
    int buffer = L.warpBuffer[w];
    L.slots[buffer][t] = bits;
    L.state[t] = State::AtShuffle;
    if (++L.warpArrived[w] == kWarp) releaseWarp(w);
    switchAway();
    return L.slots[buffer][w * kWarp + partner];
}

} // namespace emu

#define EMU_EXPORT extern "C" __attribute__((visibility("default")))

// Returns 0, or 1 when the launch is refused (unknown kernel, bad shape, missing or mis-sized argument) and 2 when it failed while
// running (deadlock, shuffle misuse); then error holds one NUL-terminated line naming the kernel.
// args[i] points at argument i's value of argumentSizes[i] bytes; count and sizes must match the kernel's parameters.
EMU_EXPORT int emu_launch(const char* kernel, int gridX, int gridY, int blockX, void** args, int argumentCount,
                          const int* argumentSizes, char* error, int errorLength) {
    std::lock_guard<std::mutex> lock(emu::launchLock);
    emu::L.error.clear();
    std::string problem = emu::launch(kernel, gridX, gridY, blockX, args, argumentCount, argumentSizes);
    if (error != nullptr && errorLength > 0) {
        std::string line = problem.empty() ? "" : std::string(kernel ? kernel : "(null)") + ": " + problem;
        std::snprintf(error, (size_t) errorLength, "%s", line.c_str());
    }
    if (problem.empty()) return 0;
    return emu::L.error.empty() ? 1 : 2;
}

// Blocks and the threads of a block in descending order (on != 0) or ascending (0, the default); see `reversed`.
EMU_EXPORT void emu_set_reversed(int on) {
    std::lock_guard<std::mutex> lock(emu::launchLock);
    emu::reversed = on != 0;
}

// 256-byte aligned host memory standing in for device memory. Filled with 0xFF bytes, like uninitialised device
// memory but loud: every float reads as NaN and every int as -1.
EMU_EXPORT void* emu_alloc(long long bytes) {
    if (bytes < 0) return nullptr;
    size_t size = ((size_t) bytes + 255) / 256 * 256;
    void* p = std::aligned_alloc(256, size == 0 ? 256 : size);
    if (p != nullptr) std::memset(p, 0xFF, size == 0 ? 256 : size);
    return p;
}

EMU_EXPORT void emu_free(void* p) {
    std::free(p);
}

// The parameter count and byte sizes of a compiled kernel, for a caller that, like cuLaunchKernel, gets only a
// pointer per argument (see fake_driver.cpp). Returns 0, or 1 for an unknown kernel.
EMU_EXPORT int emu_kernel_parameters(const char* kernel, int* count, const int** sizes) {
    auto k = kernel == nullptr ? emu::kernels().end() : emu::kernels().find(kernel);
    if (k == emu::kernels().end()) return 1;
    *count = k->second.parameters;
    *sizes = k->second.sizes;
    return 0;
}
