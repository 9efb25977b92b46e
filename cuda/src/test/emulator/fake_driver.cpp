// A stand-in for the NVIDIA driver library (built as libcuda.so.1): the driver API functions the CUDA backend calls
// through JCuda, on the CPU emulator. A JVM started with this library's folder on LD_LIBRARY_PATH loads JCuda's own
// native library against it, so the backend's real code path (JCuda's argument marshalling, device pointers read
// from CUdeviceptr, the pinned upload ring, cuBLAS through Panama) runs end to end without a GPU.
//
// It keeps the driver's rules that a Java program can break: cuInit first; a context current on the calling thread
// for every call that needs one (the driver binds contexts per thread); copies, memsets and frees only within
// allocations it made; launch shapes within the hardware limits; an error of a running kernel is sticky and
// returned by the calls after it, as CUDA_ERROR_LAUNCH_FAILED. Every refusal prints one line saying why.
//
// And the stream's asynchrony: kernels, async copies, memsets, event records and cuBLAS calls only join a queue,
// which runs when the host must wait for it (cuCtxSynchronize, cuEventSynchronize up to the event, a copy to the
// host, a copy from pageable memory, frees), as NVIDIA's API synchronization notes describe. So a program that reads
// results before waiting, or overwrites pinned memory an async copy has not read yet, gets wrong numbers here too.
//
// Environment: JTRAIN_FAKE_CUDA_DEVICES=0 makes cuInit answer CUDA_ERROR_NO_DEVICE; JTRAIN_FAKE_CUDA_MEMORY_MIB
// sets the device memory (default 4096), past which cuMemAlloc answers CUDA_ERROR_OUT_OF_MEMORY;
// JTRAIN_FAKE_CUDA_PROFILE=1 prints, as the process exits, how many times each call and each kernel was made.
// JTRAIN_FAKE_CUDA_MULTIPROCESSORS sets the multiprocessor count the device reports (default 2; the H200 has 132).
// JTRAIN_FAKE_CUDA_HOST_ONLY=1 checks and counts kernels, memsets and cuBLAS products as usual but runs none of them,
// and device memory starts zeroed and untouched (mmap): what is left of a step's time is the host's own work (the
// Java code, JCuda, the driver calls), at full model size. The numbers computed are meaningless.
// Calls the backend never makes are not here: JCuda binds them lazily, so a new call fails loudly at its first use.
#include <algorithm>
#include <chrono>
#include <deque>
#include <functional>
#include <vector>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <regex>
#include <string>

#include <sys/mman.h>

using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;

namespace {

constexpr CUresult kSuccess = 0, kInvalidValue = 1, kOutOfMemory = 2, kNotInitialized = 3, kNoDevice = 100,
                   kInvalidDevice = 101, kInvalidImage = 200, kInvalidContext = 201, kInvalidHandle = 400,
                   kNotFound = 500, kNotReady = 600, kLaunchFailed = 719, kNotSupported = 801;

struct Context {
    int retained = 0;
};

struct Module {
    std::map<std::string, int> entries; // kernel name -> its parameter count in the PTX
};

struct Function {
    std::string name;
};

struct Event {
    std::chrono::steady_clock::time_point recorded;
    unsigned long long position = 0; // the queue position its record was queued at; 0: never recorded
};

std::mutex lock;
bool initialized = false;
Context primary;
thread_local Context* current = nullptr;
CUresult sticky = kSuccess; // the error of a kernel that failed while running; every later call returns it
std::map<CUdeviceptr, size_t> deviceBlocks, hostBlocks;
size_t deviceBytes = 0;

// The stream: work queued and not yet run, and how many items were ever queued and ever run.
std::deque<std::function<void()>> queue;
unsigned long long queued = 0, done = 0;

void enqueue(std::function<void()> work) {
    queue.push_back(std::move(work));
    queued++;
}

// Runs the queue up to position (all of it by default), in order, on the calling thread.
void drain(unsigned long long position = ~0ull) {
    while (done < position && !queue.empty()) {
        std::function<void()> work = std::move(queue.front());
        queue.pop_front();
        work();
        done++;
    }
}

// Calls and kernel launches by name, for JTRAIN_FAKE_CUDA_PROFILE, and each kernel's launch shapes: the fewest and
// most blocks (gridX * gridY) and threads per block it was launched with (a GPU wants a few blocks per SM).
std::map<std::string, long long> calls;
struct Shapes {
    unsigned long long fewestBlocks = ~0ull, mostBlocks = 0;
    unsigned fewestThreads = ~0u, mostThreads = 0;
};
std::map<std::string, Shapes> shapes;

void printProfile() {
    std::fprintf(stderr, "[fake libcuda] profile: calls and launches since cuInit (kernels: blocks, threads per block)\n");
    for (auto& [name, count] : calls) {
        auto s = shapes.find(name);
        if (s == shapes.end()) {
            std::fprintf(stderr, "[fake libcuda] profile %12lld  %s\n", count, name.c_str());
        } else {
            std::fprintf(stderr, "[fake libcuda] profile %12lld  %s  blocks %llu-%llu  threads %u-%u\n", count, name.c_str(),
                         s->second.fewestBlocks, s->second.mostBlocks, s->second.fewestThreads, s->second.mostThreads);
        }
    }
}

void tally(const std::string& name) {
    static const bool on = [] {
        const char* v = std::getenv("JTRAIN_FAKE_CUDA_PROFILE");
        bool enabled = v != nullptr && std::strcmp(v, "1") == 0;
        if (enabled) std::atexit(printProfile);
        return enabled;
    }();
    if (on) calls[name]++;
}

void tallyShape(const std::string& name, unsigned long long blocks, unsigned threads) {
    if (std::getenv("JTRAIN_FAKE_CUDA_PROFILE") == nullptr) return;
    Shapes& s = shapes[name];
    s.fewestBlocks = std::min(s.fewestBlocks, blocks);
    s.mostBlocks = std::max(s.mostBlocks, blocks);
    s.fewestThreads = std::min(s.fewestThreads, threads);
    s.mostThreads = std::max(s.mostThreads, threads);
}

// Few by default, so that grid-stride loops take turns on the emulator; JTRAIN_FAKE_CUDA_MULTIPROCESSORS=132 gives the
// H200's launch shapes (with JTRAIN_FAKE_CUDA_HOST_ONLY, at no cost).
int multiprocessors() {
    const char* v = std::getenv("JTRAIN_FAKE_CUDA_MULTIPROCESSORS");
    return v != nullptr && std::atoi(v) > 0 ? std::atoi(v) : 2;
}

bool hostOnly() {
    static const bool on = [] {
        const char* v = std::getenv("JTRAIN_FAKE_CUDA_HOST_ONLY");
        return v != nullptr && std::strcmp(v, "1") == 0;
    }();
    return on;
}

void say(const char* format, ...) {
    std::va_list args;
    va_start(args, format);
    std::fputs("[fake libcuda] ", stderr);
    std::vfprintf(stderr, format, args);
    std::fputs("\n", stderr);
    va_end(args);
}

size_t memoryLimit() {
    const char* mib = std::getenv("JTRAIN_FAKE_CUDA_MEMORY_MIB");
    return (size_t) (mib != nullptr ? std::atoll(mib) : 4096) << 20;
}

// The checks before any call that works in a context: cuInit done, a context current on this thread, no sticky error.
CUresult ready(const char* function) {
    tally(function);
    if (!initialized) {
        say("%s before cuInit", function);
        return kNotInitialized;
    }
    if (current == nullptr) {
        say("%s on a thread with no current context", function);
        return kInvalidContext;
    }
    return sticky;
}

// Whether [address, address + bytes) lies inside one block of blocks.
bool inside(const std::map<CUdeviceptr, size_t>& blocks, CUdeviceptr address, size_t bytes) {
    auto next = blocks.upper_bound(address);
    if (next == blocks.begin()) return false;
    auto block = std::prev(next);
    return address + bytes <= block->first + block->second;
}

CUresult deviceRange(const char* function, CUdeviceptr address, size_t bytes) {
    if (inside(deviceBlocks, address, bytes)) return kSuccess;
    say("%s: %zu bytes at device address 0x%llx are not inside one allocation", function, bytes, address);
    return kInvalidValue;
}

extern "C" int emu_launch(const char*, int, int, int, void**, int, const int*, char*, int);
extern "C" int emu_kernel_parameters(const char*, int*, const int**);
extern "C" void* emu_alloc(long long);
extern "C" void emu_free(void*);

} // namespace

#define DRIVER_API extern "C" __attribute__((visibility("default")))

// ---- initialisation, device, context ---------------------------------------------------------------------------

DRIVER_API CUresult cuInit(unsigned flags) {
    std::lock_guard<std::mutex> guard(lock);
    if (flags != 0) return kInvalidValue;
    const char* devices = std::getenv("JTRAIN_FAKE_CUDA_DEVICES");
    if (devices != nullptr && std::atoi(devices) == 0) return kNoDevice;
    initialized = true;
    return kSuccess;
}

DRIVER_API CUresult cuDeviceGetCount(int* count) {
    if (!initialized) return kNotInitialized;
    *count = 1;
    return kSuccess;
}

DRIVER_API CUresult cuDeviceGet(CUdevice* device, int ordinal) {
    if (!initialized) return kNotInitialized;
    if (ordinal != 0) return kInvalidDevice;
    *device = 0;
    return kSuccess;
}

DRIVER_API CUresult cuDeviceGetName(char* name, int length, CUdevice device) {
    if (!initialized) return kNotInitialized;
    if (device != 0) return kInvalidDevice;
    if (name == nullptr || length <= 0) return kInvalidValue;
    std::snprintf(name, (size_t) length, "%s", "jtrain fake driver (CPU emulator)");
    return kSuccess;
}

DRIVER_API CUresult cuDeviceGetAttribute(int* value, int attribute, CUdevice device) {
    if (!initialized) return kNotInitialized;
    if (device != 0) return kInvalidDevice;
    switch (attribute) {
        case 1: case 2: *value = 1024; return kSuccess;  // max threads per block, max block x
        case 5: *value = 2147483647; return kSuccess;    // max grid x
        case 6: *value = 65535; return kSuccess;         // max grid y
        case 8: *value = 49152; return kSuccess;         // shared memory per block
        case 10: *value = 32; return kSuccess;           // warp size
        case 16: *value = multiprocessors(); return kSuccess;
        case 75: *value = 9; return kSuccess;            // compute capability 9.0, like the H200
        case 76: *value = 0; return kSuccess;
        default: say("cuDeviceGetAttribute(%d) is not emulated", attribute); return kNotSupported;
    }
}

DRIVER_API CUresult cuDeviceTotalMem_v2(size_t* bytes, CUdevice device) {
    if (!initialized) return kNotInitialized;
    if (device != 0) return kInvalidDevice;
    *bytes = memoryLimit();
    return kSuccess;
}

DRIVER_API CUresult cuDevicePrimaryCtxRetain(Context** context, CUdevice device) {
    std::lock_guard<std::mutex> guard(lock);
    if (!initialized) return kNotInitialized;
    if (device != 0) return kInvalidDevice;
    primary.retained++;
    *context = &primary;
    return kSuccess;
}

DRIVER_API CUresult cuCtxSetCurrent(Context* context) {
    if (!initialized) return kNotInitialized;
    if (context != nullptr && context != &primary) return kInvalidContext;
    current = context;
    return kSuccess;
}

DRIVER_API CUresult cuCtxSynchronize() {
    std::lock_guard<std::mutex> guard(lock);
    if (CUresult rc = ready("cuCtxSynchronize")) return rc;
    drain();
    return sticky;
}

// ---- memory --------------------------------------------------------------------------------------------------------

DRIVER_API CUresult cuMemAlloc_v2(CUdeviceptr* address, size_t bytes) {
    std::lock_guard<std::mutex> guard(lock);
    if (CUresult rc = ready("cuMemAlloc")) return rc;
    if (bytes == 0) return kInvalidValue;
    if (deviceBytes + bytes > memoryLimit()) return kOutOfMemory;
    void* p;
    if (hostOnly()) { // zero pages that cost nothing until touched (nothing runs that would touch them)
        p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED) p = nullptr;
    } else {
        p = emu_alloc((long long) bytes);
    }
    if (p == nullptr) return kOutOfMemory;
    *address = (CUdeviceptr) p;
    deviceBlocks[*address] = bytes;
    deviceBytes += bytes;
    return kSuccess;
}

DRIVER_API CUresult cuMemFree_v2(CUdeviceptr address) {
    std::lock_guard<std::mutex> guard(lock);
    if (CUresult rc = ready("cuMemFree")) return rc;
    auto block = deviceBlocks.find(address);
    if (block == deviceBlocks.end()) {
        say("cuMemFree of 0x%llx, which is not the start of an allocation", address);
        return kInvalidValue;
    }
    drain(); // cuMemFree waits for the work queued before it
    deviceBytes -= block->second;
    if (hostOnly()) {
        munmap((void*) address, block->second);
    } else {
        emu_free((void*) address);
    }
    deviceBlocks.erase(block);
    return sticky;
}

DRIVER_API CUresult cuMemGetInfo_v2(size_t* free, size_t* total) {
    std::lock_guard<std::mutex> guard(lock);
    if (CUresult rc = ready("cuMemGetInfo")) return rc;
    *total = memoryLimit();
    *free = *total - deviceBytes;
    return kSuccess;
}

DRIVER_API CUresult cuMemAllocHost_v2(void** pointer, size_t bytes) {
    std::lock_guard<std::mutex> guard(lock);
    if (CUresult rc = ready("cuMemAllocHost")) return rc;
    if (bytes == 0) return kInvalidValue;
    void* p = std::aligned_alloc(4096, (bytes + 4095) / 4096 * 4096);
    if (p == nullptr) return kOutOfMemory;
    *pointer = p;
    hostBlocks[(CUdeviceptr) p] = bytes;
    return kSuccess;
}

DRIVER_API CUresult cuMemFreeHost(void* pointer) {
    std::lock_guard<std::mutex> guard(lock);
    if (CUresult rc = ready("cuMemFreeHost")) return rc;
    if (hostBlocks.erase((CUdeviceptr) pointer) == 0) return kInvalidValue;
    drain();
    std::free(pointer);
    return sticky;
}

DRIVER_API CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void* src, size_t bytes) {
    std::lock_guard<std::mutex> guard(lock);
    if (CUresult rc = ready("cuMemcpyHtoD")) return rc;
    if (CUresult rc = deviceRange("cuMemcpyHtoD", dst, bytes)) return rc;
    drain(); // from pageable memory: the stream is synchronised first, then the copy is done before returning
    std::memcpy((void*) dst, src, bytes);
    return sticky;
}

// From pinned memory the copy reads the source when the stream reaches it, so the host must not overwrite it before
// (the backend's ring waits on events); from pageable memory the driver takes the bytes at once.
DRIVER_API CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void* src, size_t bytes, void* stream) {
    std::lock_guard<std::mutex> guard(lock);
    if (CUresult rc = ready("cuMemcpyHtoDAsync")) return rc;
    if (stream != nullptr) return kInvalidHandle; // the backend uses only the legacy default stream
    if (CUresult rc = deviceRange("cuMemcpyHtoDAsync", dst, bytes)) return rc;
    if (inside(hostBlocks, (CUdeviceptr) src, bytes)) {
        enqueue([=] {
            if (sticky == kSuccess) std::memcpy((void*) dst, src, bytes);
        });
    } else {
        auto copy = std::make_shared<std::vector<char>>((const char*) src, (const char*) src + bytes);
        enqueue([=] {
            if (sticky == kSuccess) std::memcpy((void*) dst, copy->data(), bytes);
        });
    }
    return kSuccess;
}

DRIVER_API CUresult cuMemcpyDtoH_v2(void* dst, CUdeviceptr src, size_t bytes) {
    std::lock_guard<std::mutex> guard(lock);
    if (CUresult rc = ready("cuMemcpyDtoH")) return rc;
    if (CUresult rc = deviceRange("cuMemcpyDtoH", src, bytes)) return rc;
    drain(); // to pageable memory: returns once the copy, and everything queued before it, is done
    std::memcpy(dst, (const void*) src, bytes);
    return sticky;
}

DRIVER_API CUresult cuMemsetD8_v2(CUdeviceptr dst, unsigned char value, size_t bytes) {
    std::lock_guard<std::mutex> guard(lock);
    if (CUresult rc = ready("cuMemsetD8")) return rc;
    if (CUresult rc = deviceRange("cuMemsetD8", dst, bytes)) return rc;
    if (hostOnly()) return kSuccess;
    enqueue([=] { // asynchronous for device memory
        if (sticky == kSuccess) std::memset((void*) dst, value, bytes);
    });
    return kSuccess;
}

DRIVER_API CUresult cuMemsetD8Async(CUdeviceptr dst, unsigned char value, size_t bytes, void* stream) {
    if (stream != nullptr) return kInvalidHandle;
    return cuMemsetD8_v2(dst, value, bytes);
}

// ---- modules and launches ----------------------------------------------------------------------------------------

// Loads PTX text (NUL-terminated, as the driver requires): every .entry and its parameter count, which must match
// the kernel the emulator compiled from the same source.
DRIVER_API CUresult cuModuleLoadData(Module** module, const void* image) {
    std::lock_guard<std::mutex> guard(lock);
    if (CUresult rc = ready("cuModuleLoadData")) return rc;
    const char* text = static_cast<const char*>(image);
    if (text == nullptr || std::strstr(text, ".version") == nullptr || std::strstr(text, ".target sm_90") == nullptr) {
        say("cuModuleLoadData: not PTX for sm_90");
        return kInvalidImage;
    }
    auto* m = new Module();
    static const std::regex entry(R"(\.entry\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(([^)]*)\))");
    std::string ptx(text);
    for (std::sregex_iterator it(ptx.begin(), ptx.end(), entry), end; it != end; ++it) {
        std::string name = (*it)[1], params = (*it)[2];
        int count = 0;
        for (size_t at = params.find(".param"); at != std::string::npos; at = params.find(".param", at + 1)) count++;
        int compiled;
        const int* sizes;
        if (emu_kernel_parameters(name.c_str(), &compiled, &sizes) != 0 || compiled != count) {
            say("cuModuleLoadData: kernel %s (%d parameters in the PTX) is not in the emulator as compiled", name.c_str(), count);
            delete m;
            return kInvalidImage;
        }
        m->entries[name] = count;
    }
    *module = m;
    return kSuccess;
}

DRIVER_API CUresult cuModuleGetFunction(Function** function, Module* module, const char* name) {
    std::lock_guard<std::mutex> guard(lock);
    if (CUresult rc = ready("cuModuleGetFunction")) return rc;
    if (module == nullptr || name == nullptr) return kInvalidHandle;
    if (module->entries.count(name) == 0) return kNotFound;
    *function = new Function{name};
    return kSuccess;
}

DRIVER_API CUresult cuLaunchKernel(Function* f, unsigned gridX, unsigned gridY, unsigned gridZ, unsigned blockX,
                                   unsigned blockY, unsigned blockZ, unsigned sharedBytes, void* stream, void** params,
                                   void** extra) {
    std::lock_guard<std::mutex> guard(lock);
    if (CUresult rc = ready("cuLaunchKernel")) return rc;
    if (f == nullptr) return kInvalidHandle;
    if (stream != nullptr) return kInvalidHandle;
    if (gridX == 0 || gridY == 0 || gridZ == 0 || gridX > 2147483647u || gridY > 65535 || gridZ > 65535 || blockX == 0
        || blockY == 0 || blockZ == 0 || (unsigned long long) blockX * blockY * blockZ > 1024) {
        say("cuLaunchKernel(%s): grid (%u, %u, %u) block (%u, %u, %u) is outside the hardware limits", f->name.c_str(),
            gridX, gridY, gridZ, blockX, blockY, blockZ);
        return kInvalidValue;
    }
    if (gridZ != 1 || blockY != 1 || blockZ != 1 || sharedBytes != 0 || extra != nullptr) {
        say("cuLaunchKernel(%s): 3-D grids, 2-D blocks, dynamic shared memory and 'extra' are not emulated", f->name.c_str());
        return kNotSupported;
    }
    int count;
    const int* sizes;
    if (params == nullptr || emu_kernel_parameters(f->name.c_str(), &count, &sizes) != 0) return kInvalidValue;
    // The argument values are taken now (the caller may reuse them at once); the kernel runs when the queue does.
    std::vector<std::vector<char>> values;
    for (int i = 0; i < count; i++) {
        if (params[i] == nullptr) return kInvalidValue;
        values.emplace_back((const char*) params[i], (const char*) params[i] + sizes[i]);
    }
    std::string name = f->name;
    tally("kernel " + name);
    tallyShape("kernel " + name, (unsigned long long) gridX * gridY, blockX);
    if (hostOnly()) return kSuccess;
    enqueue([name, values, count, sizes, gridX, gridY, blockX]() mutable {
        if (sticky != kSuccess) return; // a context with a failed kernel runs nothing more
        std::vector<void*> args;
        for (auto& v : values) args.push_back(v.data());
        char error[512];
        if (emu_launch(name.c_str(), (int) gridX, (int) gridY, (int) blockX, args.data(), count, sizes, error, sizeof error) != 0) {
            say("%s", error);
            sticky = kLaunchFailed; // a fault while running shows at the next calls, as on a GPU
        }
    });
    return kSuccess;
}

// ---- events (the emulator finishes every call before returning, so they only keep time) ------------------------------

DRIVER_API CUresult cuEventCreate(Event** event, unsigned flags) {
    std::lock_guard<std::mutex> guard(lock);
    if (CUresult rc = ready("cuEventCreate")) return rc;
    (void) flags;
    *event = new Event();
    return kSuccess;
}

DRIVER_API CUresult cuEventRecord(Event* event, void* stream) {
    std::lock_guard<std::mutex> guard(lock);
    if (CUresult rc = ready("cuEventRecord")) return rc;
    if (event == nullptr || stream != nullptr) return kInvalidHandle;
    enqueue([event] { event->recorded = std::chrono::steady_clock::now(); });
    event->position = queued;
    return kSuccess;
}

DRIVER_API CUresult cuEventSynchronize(Event* event) {
    std::lock_guard<std::mutex> guard(lock);
    if (CUresult rc = ready("cuEventSynchronize")) return rc;
    if (event == nullptr) return kInvalidHandle;
    drain(event->position); // the work queued before its record; an event never recorded is complete at once
    return sticky;
}

// CUDA_ERROR_NOT_READY while the stream has not run the event's record, as on a GPU still busy with earlier work.
DRIVER_API CUresult cuEventQuery(Event* event) {
    std::lock_guard<std::mutex> guard(lock);
    if (CUresult rc = ready("cuEventQuery")) return rc;
    if (event == nullptr) return kInvalidHandle;
    return event->position > done ? kNotReady : kSuccess;
}

DRIVER_API CUresult cuEventElapsedTime(float* milliseconds, Event* start, Event* end) {
    std::lock_guard<std::mutex> guard(lock);
    if (CUresult rc = ready("cuEventElapsedTime")) return rc;
    if (start == nullptr || end == nullptr) return kInvalidHandle;
    if (start->position == 0 || end->position == 0) return kInvalidHandle;
    if (start->position > done || end->position > done) return kNotReady;
    *milliseconds = std::chrono::duration<float, std::milli>(end->recorded - start->recorded).count();
    return kSuccess;
}

DRIVER_API CUresult cuEventDestroy_v2(Event* event) {
    std::lock_guard<std::mutex> guard(lock);
    if (event == nullptr) return kInvalidHandle;
    drain(event->position); // its queued record must not run after the event is gone
    delete event;
    return kSuccess;
}

// For the fake cuBLAS: whether [address, address + bytes) is device memory of one allocation.
DRIVER_API int jtrain_fake_device_range(CUdeviceptr address, size_t bytes) {
    std::lock_guard<std::mutex> guard(lock);
    return inside(deviceBlocks, address, bytes) ? 1 : 0;
}

// For the fake cuBLAS: queues work on the stream (its calls are asynchronous like kernels).
DRIVER_API void jtrain_fake_enqueue(void (*work)(void*), void* data) {
    std::lock_guard<std::mutex> guard(lock);
    tally("cuBLAS product");
    enqueue([work, data] { work(data); }); // run even after a failed kernel: work owns (and frees) data
}

// For the fake cuBLAS: whether products are checked only, not computed (JTRAIN_FAKE_CUDA_HOST_ONLY=1).
DRIVER_API int jtrain_fake_host_only() {
    return hostOnly() ? 1 : 0;
}

// For the fake cuBLAS's queued products (called while the queue runs, so without the lock): whether a kernel failed.
DRIVER_API int jtrain_fake_queue_failed() {
    return sticky != kSuccess ? 1 : 0;
}

// For the fake cuBLAS: 0 when cuInit was called and no kernel failed, else the driver error.
DRIVER_API int jtrain_fake_driver_state() {
    std::lock_guard<std::mutex> guard(lock);
    return !initialized ? kNotInitialized : sticky;
}
