package jtrain.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * A hand-written java.lang.foreign binding to the few cuBLAS functions the backend uses, shaped like jextract
 * output: one downcall handle per C function, C names kept, arguments as in cublas_api.h (handles and device
 * pointers as MemorySegment addresses, enums as int). JCublas is not used: its 12.0 natives need libcublas.so.12,
 * which CUDA 13 machines lack. The library is found by name in the loader's path, then under /usr/local/cuda.
 */
@SuppressWarnings("unused")
public final class Cublas {
    private Cublas() {}

    // ---- constants from cublas_api.h and library_types.h ---------------------------------------------------------
    public static final int CUBLAS_STATUS_SUCCESS = 0;
    public static final int CUBLAS_OP_N = 0;
    public static final int CUBLAS_OP_T = 1;
    public static final int CUBLAS_DEFAULT_MATH = 0;
    public static final int CUBLAS_PEDANTIC_MATH = 2;
    public static final int CUBLAS_TF32_TENSOR_OP_MATH = 3;
    public static final int CUDA_R_32F = 0;
    public static final int CUDA_R_16BF = 14;
    public static final int CUBLAS_COMPUTE_32F = 68;
    public static final int CUBLAS_COMPUTE_32F_FAST_TF32 = 77;
    public static final int CUBLAS_GEMM_DEFAULT = -1;

    private static final String[] CANDIDATES = {
        "libcublas.so.13", "/usr/local/cuda/lib64/libcublas.so.13",
        "libcublas.so.12", "/usr/local/cuda/lib64/libcublas.so.12",
        "libcublas.so", "/usr/local/cuda/lib64/libcublas.so"};

    private static final Linker LINKER = Linker.nativeLinker();
    private static final List<String> FAILURES = new ArrayList<>();
    /** The library file that loaded, or null. */
    public static final String LIBRARY;
    private static final SymbolLookup LOOKUP;

    static {
        String found = null;
        SymbolLookup lookup = null;
        for (String name : CANDIDATES) {
            try {
                lookup = SymbolLookup.libraryLookup(name, Arena.global());
                found = name;
                break;
            } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
                FAILURES.add(name);
            }
        }
        LIBRARY = found;
        LOOKUP = lookup;
    }

    /** Null when cuBLAS loaded, else why not. */
    public static String unavailableReason() {
        if (LOOKUP != null) return null;
        return "no cuBLAS: none of " + String.join(", ", FAILURES) + " could be loaded (set LD_LIBRARY_PATH to CUDA's lib64)";
    }

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
        if (LOOKUP == null) return null;
        return LOOKUP.find(name).map(symbol -> LINKER.downcallHandle(symbol, descriptor)).orElse(null);
    }

    private static MethodHandle require(MethodHandle handle, String name) {
        if (handle == null) throw new CudaException(name + ": not found (" + (LIBRARY == null ? unavailableReason() : "missing from " + LIBRARY) + ")");
        return handle;
    }

    private static int call(MethodHandle handle, String name, Object... args) {
        try {
            return (int) require(handle, name).invokeWithArguments(args);
        } catch (CudaException e) {
            throw e;
        } catch (Throwable t) {
            throw new CudaException(name + ": call failed: " + t);
        }
    }

    // ---- cublasStatus_t cublasCreate_v2(cublasHandle_t *handle) -------------------------------------------------
    private static final MethodHandle cublasCreate_v2$MH = downcall("cublasCreate_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));

    public static int cublasCreate_v2(MemorySegment handle) {
        return call(cublasCreate_v2$MH, "cublasCreate_v2", handle);
    }

    // ---- cublasStatus_t cublasDestroy_v2(cublasHandle_t handle) -------------------------------------------------
    private static final MethodHandle cublasDestroy_v2$MH = downcall("cublasDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));

    public static int cublasDestroy_v2(MemorySegment handle) {
        return call(cublasDestroy_v2$MH, "cublasDestroy_v2", handle);
    }

    // ---- cublasStatus_t cublasSetStream_v2(cublasHandle_t handle, cudaStream_t streamId) ---------------------------
    private static final MethodHandle cublasSetStream_v2$MH = downcall("cublasSetStream_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

    public static int cublasSetStream_v2(MemorySegment handle, MemorySegment streamId) {
        return call(cublasSetStream_v2$MH, "cublasSetStream_v2", handle, streamId);
    }

    // ---- cublasStatus_t cublasSetMathMode(cublasHandle_t handle, cublasMath_t mode) -------------------------------
    private static final MethodHandle cublasSetMathMode$MH = downcall("cublasSetMathMode", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));

    public static int cublasSetMathMode(MemorySegment handle, int mode) {
        return call(cublasSetMathMode$MH, "cublasSetMathMode", handle, mode);
    }

    // ---- const char* cublasGetStatusString(cublasStatus_t status) -------------------------------------------------
    private static final MethodHandle cublasGetStatusString$MH = downcall("cublasGetStatusString", FunctionDescriptor.of(ADDRESS, JAVA_INT));

    public static MemorySegment cublasGetStatusString(int status) {
        try {
            return (MemorySegment) require(cublasGetStatusString$MH, "cublasGetStatusString").invokeExact(status);
        } catch (CudaException e) {
            throw e;
        } catch (Throwable t) {
            throw new CudaException("cublasGetStatusString: call failed: " + t);
        }
    }

    // ---- cublasStatus_t cublasSgemm_v2(handle, transa, transb, m, n, k, const float *alpha, const float *A, lda,
    //                                    const float *B, ldb, const float *beta, float *C, ldc) -------------------
    private static final MethodHandle cublasSgemm_v2$MH = downcall("cublasSgemm_v2", FunctionDescriptor.of(JAVA_INT,
            ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));

    public static int cublasSgemm_v2(MemorySegment handle, int transa, int transb, int m, int n, int k, MemorySegment alpha,
                                     MemorySegment A, int lda, MemorySegment B, int ldb, MemorySegment beta, MemorySegment C, int ldc) {
        return call(cublasSgemm_v2$MH, "cublasSgemm_v2", handle, transa, transb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
    }

    // ---- cublasStatus_t cublasSgemmStridedBatched(handle, transa, transb, m, n, k, const float *alpha,
    //          const float *A, lda, long long strideA, const float *B, ldb, long long strideB, const float *beta,
    //          float *C, ldc, long long strideC, int batchCount) --------------------------------------------------
    private static final MethodHandle cublasSgemmStridedBatched$MH = downcall("cublasSgemmStridedBatched", FunctionDescriptor.of(JAVA_INT,
            ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_LONG,
            ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_INT));

    public static int cublasSgemmStridedBatched(MemorySegment handle, int transa, int transb, int m, int n, int k, MemorySegment alpha,
                                                MemorySegment A, int lda, long strideA, MemorySegment B, int ldb, long strideB,
                                                MemorySegment beta, MemorySegment C, int ldc, long strideC, int batchCount) {
        return call(cublasSgemmStridedBatched$MH, "cublasSgemmStridedBatched", handle, transa, transb, m, n, k, alpha,
                A, lda, strideA, B, ldb, strideB, beta, C, ldc, strideC, batchCount);
    }

    // ---- cublasStatus_t cublasGemmEx(handle, transa, transb, m, n, k, const void *alpha, const void *A,
    //          cudaDataType Atype, lda, const void *B, cudaDataType Btype, ldb, const void *beta, void *C,
    //          cudaDataType Ctype, ldc, cublasComputeType_t computeType, cublasGemmAlgo_t algo) -----------------------
    private static final MethodHandle cublasGemmEx$MH = downcall("cublasGemmEx", FunctionDescriptor.of(JAVA_INT,
            ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT,
            ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));

    public static int cublasGemmEx(MemorySegment handle, int transa, int transb, int m, int n, int k, MemorySegment alpha,
                                   MemorySegment A, int Atype, int lda, MemorySegment B, int Btype, int ldb, MemorySegment beta,
                                   MemorySegment C, int Ctype, int ldc, int computeType, int algo) {
        return call(cublasGemmEx$MH, "cublasGemmEx", handle, transa, transb, m, n, k, alpha, A, Atype, lda, B, Btype, ldb,
                beta, C, Ctype, ldc, computeType, algo);
    }

    // ---- cublasStatus_t cublasGemmStridedBatchedEx(handle, transa, transb, m, n, k, const void *alpha,
    //          const void *A, Atype, lda, long long strideA, const void *B, Btype, ldb, long long strideB,
    //          const void *beta, void *C, Ctype, ldc, long long strideC, int batchCount, computeType, algo) ---------
    private static final MethodHandle cublasGemmStridedBatchedEx$MH = downcall("cublasGemmStridedBatchedEx", FunctionDescriptor.of(JAVA_INT,
            ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT,
            JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT));

    public static int cublasGemmStridedBatchedEx(MemorySegment handle, int transa, int transb, int m, int n, int k, MemorySegment alpha,
                                                 MemorySegment A, int Atype, int lda, long strideA, MemorySegment B, int Btype, int ldb,
                                                 long strideB, MemorySegment beta, MemorySegment C, int Ctype, int ldc, long strideC,
                                                 int batchCount, int computeType, int algo) {
        return call(cublasGemmStridedBatchedEx$MH, "cublasGemmStridedBatchedEx", handle, transa, transb, m, n, k, alpha,
                A, Atype, lda, strideA, B, Btype, ldb, strideB, beta, C, Ctype, ldc, strideC, batchCount, computeType, algo);
    }
}
