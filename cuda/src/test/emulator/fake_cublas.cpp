// A stand-in for cuBLAS (built as libcublas.so.13, next to fake_driver.cpp's libcuda.so.1): the functions the backend
// binds through java.lang.foreign, computed by the emulator's sgemm. With the fake driver it lets a JVM run the
// backend's real cuBLAS binding (the hand-written downcall descriptors, host-side alpha and beta, device addresses)
// without a GPU. Besides cuBLAS's own argument checks it refuses an operand that does not lie inside one device
// allocation of the fake driver, naming the function and operand: a wrong leading dimension or batch stride shows
// here instead of as a silent out-of-bounds read. Like cuBLAS, a call only queues the product on the stream (the
// fake driver's queue), with alpha and beta read at the call (host pointer mode).
#include <cstdio>
#include <cstring>
#include <vector>

namespace {

constexpr int kSuccess = 0, kNotInitialized = 1, kInvalidValue = 7, kExecutionFailed = 13, kNotSupported = 15;
constexpr int kR32F = 0, kR16BF = 14;                     // cudaDataType CUDA_R_32F, CUDA_R_16BF
constexpr int kCompute32F = 68, kCompute32FFastTf32 = 77; // cublasComputeType_t

struct Handle {
    int mathMode = 0;
};

extern "C" int jtrain_fake_device_range(unsigned long long address, size_t bytes);
extern "C" int jtrain_fake_driver_state();
extern "C" void jtrain_fake_enqueue(void (*work)(void*), void* data);
extern "C" int jtrain_fake_queue_failed();
extern "C" int jtrain_fake_host_only();
extern "C" int emu_sgemm_strided_batched(int, int, int, int, int, float, const float*, int, long long, const float*, int,
                                         long long, float, float*, int, long long, int);

// One queued product: the arguments of emu_sgemm_strided_batched, and whether A and B hold BF16 (widened to F32
// copies when the product runs: exact, as BF16 is the top half of an F32).
struct Product {
    bool bf16;
    int transa, transb, m, n, k;
    float alpha;
    const float* A;
    int lda;
    long long strideA;
    const float* B;
    int ldb;
    long long strideB;
    float beta;
    float* C;
    int ldc;
    long long strideC;
    int batch;
};

// Elements from an operand's first to its last: rows x cols column-major, leading dimension ld, batch of them.
long long extent(int rows, int cols, int ld, long long stride, int batch) {
    return (long long) (batch - 1) * stride + (long long) (cols - 1) * ld + rows;
}

std::vector<float> widened(const void* bf16, long long elements) {
    std::vector<float> out((size_t) (elements > 0 ? elements : 1));
    const unsigned short* bits = static_cast<const unsigned short*>(bf16);
    for (long long i = 0; i < elements; i++) {
        unsigned int word = (unsigned int) bits[i] << 16;
        std::memcpy(&out[(size_t) i], &word, 4);
    }
    return out;
}

void runProduct(void* data) {
    Product* p = static_cast<Product*>(data);
    if (jtrain_fake_queue_failed() == 0 && jtrain_fake_host_only() == 0) {
        const float* A = p->A;
        const float* B = p->B;
        std::vector<float> wideA, wideB;
        if (p->bf16) {
            bool ta = p->transa != 0, tb = p->transb != 0;
            wideA = widened(p->A, extent(ta ? p->k : p->m, ta ? p->m : p->k, p->lda, p->strideA, p->batch));
            wideB = widened(p->B, extent(tb ? p->n : p->k, tb ? p->k : p->n, p->ldb, p->strideB, p->batch));
            A = wideA.data();
            B = wideB.data();
        }
        emu_sgemm_strided_batched(p->transa, p->transb, p->m, p->n, p->k, p->alpha, A, p->lda, p->strideA, B,
                                  p->ldb, p->strideB, p->beta, p->C, p->ldc, p->strideC, p->batch);
    }
    delete p;
}

// Whether the rows x cols column-major matrices at address (leading dimension ld, batch stride stride, batch of
// them) lie inside one device allocation; prints why not.
bool operandInside(const char* function, const char* operand, const void* address, int rows, int cols, int ld,
                   long long stride, int batch, size_t elementBytes) {
    if (rows <= 0 || cols <= 0 || batch <= 0) return true;
    size_t bytes = (size_t) extent(rows, cols, ld, stride, batch) * elementBytes;
    if (stride < 0 || jtrain_fake_device_range((unsigned long long) address, bytes)) return true;
    std::fprintf(stderr, "[fake cublas] %s: operand %s (%d x %d, ld %d, batch stride %lld, batch %d: %zu bytes at %p) is not inside one device allocation\n",
                 function, operand, rows, cols, ld, stride, batch, bytes, address);
    return false;
}

int gemm(const char* function, Handle* handle, bool bf16, int transa, int transb, int m, int n, int k, const float* alpha,
         const float* A, int lda, long long strideA, const float* B, int ldb, long long strideB, const float* beta,
         float* C, int ldc, long long strideC, int batch) {
    if (handle == nullptr) return kNotInitialized;
    if (jtrain_fake_driver_state() != 0) return kExecutionFailed;
    if (alpha == nullptr || beta == nullptr) return kInvalidValue;
    bool ta = transa != 0, tb = transb != 0;
    // cuBLAS's argument checks first, then where the operands are.
    if (transa < 0 || transa > 2 || transb < 0 || transb > 2 || m < 0 || n < 0 || k < 0 || batch < 0) return kInvalidValue;
    if (lda < (ta ? (k > 1 ? k : 1) : (m > 1 ? m : 1)) || ldb < (tb ? (n > 1 ? n : 1) : (k > 1 ? k : 1)) || ldc < (m > 1 ? m : 1)) {
        return kInvalidValue;
    }
    size_t inBytes = bf16 ? 2 : 4;
    if (*alpha != 0.0f && k > 0
        && (!operandInside(function, "A", A, ta ? k : m, ta ? m : k, lda, strideA, batch, inBytes)
            || !operandInside(function, "B", B, tb ? n : k, tb ? k : n, ldb, strideB, batch, inBytes))) {
        return kInvalidValue;
    }
    if (!operandInside(function, "C", C, m, n, ldc, strideC, batch, 4)) return kInvalidValue;
    jtrain_fake_enqueue(runProduct, new Product{bf16, transa, transb, m, n, k, *alpha, A, lda, strideA, B, ldb, strideB, *beta,
                                                C, ldc, strideC, batch});
    return kSuccess;
}

} // namespace

#define CUBLAS_API extern "C" __attribute__((visibility("default")))

CUBLAS_API int cublasCreate_v2(Handle** handle) {
    if (handle == nullptr) return kInvalidValue;
    if (jtrain_fake_driver_state() != 0) return kNotInitialized; // cuBLAS needs a working driver
    *handle = new Handle();
    return kSuccess;
}

CUBLAS_API int cublasDestroy_v2(Handle* handle) {
    if (handle == nullptr) return kNotInitialized;
    delete handle;
    return kSuccess;
}

CUBLAS_API int cublasSetStream_v2(Handle* handle, void* stream) {
    if (handle == nullptr) return kNotInitialized;
    return stream == nullptr ? kSuccess : kNotSupported; // only the legacy default stream is emulated
}

CUBLAS_API int cublasSetMathMode(Handle* handle, int mode) {
    if (handle == nullptr) return kNotInitialized;
    int base = mode & ~16; // CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION is a flag
    if (base < 0 || base > 3) return kInvalidValue;
    handle->mathMode = mode; // TF32 or not, the emulator computes in double
    return kSuccess;
}

CUBLAS_API const char* cublasGetStatusString(int status) {
    switch (status) {
        case kSuccess: return "CUBLAS_STATUS_SUCCESS";
        case kNotInitialized: return "CUBLAS_STATUS_NOT_INITIALIZED";
        case kInvalidValue: return "CUBLAS_STATUS_INVALID_VALUE";
        case kExecutionFailed: return "CUBLAS_STATUS_EXECUTION_FAILED";
        case kNotSupported: return "CUBLAS_STATUS_NOT_SUPPORTED";
        default: return "<unrecognized cuBLAS status>";
    }
}

CUBLAS_API int cublasSgemm_v2(Handle* handle, int transa, int transb, int m, int n, int k, const float* alpha, const float* A,
                              int lda, const float* B, int ldb, const float* beta, float* C, int ldc) {
    return gemm("cublasSgemm_v2", handle, false, transa, transb, m, n, k, alpha, A, lda, 0, B, ldb, 0, beta, C, ldc, 0, 1);
}

CUBLAS_API int cublasSgemmStridedBatched(Handle* handle, int transa, int transb, int m, int n, int k, const float* alpha,
                                         const float* A, int lda, long long strideA, const float* B, int ldb, long long strideB,
                                         const float* beta, float* C, int ldc, long long strideC, int batch) {
    return gemm("cublasSgemmStridedBatched", handle, false, transa, transb, m, n, k, alpha, A, lda, strideA, B, ldb, strideB, beta,
                C, ldc, strideC, batch);
}

// The Ex forms with F32 C: F32 A and B (F32 or TF32 compute) or BF16 A and B (F32 compute); other types are not
// emulated.
CUBLAS_API int cublasGemmStridedBatchedEx(Handle* handle, int transa, int transb, int m, int n, int k, const void* alpha,
                                          const void* A, int Atype, int lda, long long strideA, const void* B, int Btype,
                                          int ldb, long long strideB, const void* beta, void* C, int Ctype, int ldc,
                                          long long strideC, int batch, int computeType, int algo) {
    (void) algo;
    bool f32 = Atype == kR32F && Btype == kR32F && (computeType == kCompute32F || computeType == kCompute32FFastTf32);
    bool bf16 = Atype == kR16BF && Btype == kR16BF && computeType == kCompute32F;
    if (Ctype != kR32F || (!f32 && !bf16)) {
        std::fprintf(stderr, "[fake cublas] cublasGemm*Ex: types %d, %d, %d with compute type %d are not emulated\n",
                     Atype, Btype, Ctype, computeType);
        return kNotSupported;
    }
    return gemm("cublasGemmStridedBatchedEx", handle, bf16, transa, transb, m, n, k, static_cast<const float*>(alpha),
                static_cast<const float*>(A), lda, strideA, static_cast<const float*>(B), ldb, strideB,
                static_cast<const float*>(beta), static_cast<float*>(C), ldc, strideC, batch);
}

CUBLAS_API int cublasGemmEx(Handle* handle, int transa, int transb, int m, int n, int k, const void* alpha, const void* A,
                            int Atype, int lda, const void* B, int Btype, int ldb, const void* beta, void* C, int Ctype,
                            int ldc, int computeType, int algo) {
    return cublasGemmStridedBatchedEx(handle, transa, transb, m, n, k, alpha, A, Atype, lda, 0, B, Btype, ldb, 0, beta, C,
                                      Ctype, ldc, 0, 1, computeType, algo);
}
