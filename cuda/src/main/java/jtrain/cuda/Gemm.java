package jtrain.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import jtrain.engine.Tensor;

/**
 * Batched matrix products with cuBLAS (column-major), F32 results. A row-major product C = A B is computed as the
 * column-major C^T = B^T A^T: each operand's memory, read column-major, already is its transpose when it is
 * row-major, or needs op T when it is column-major. One cublasSgemmStridedBatched call covers the batch (stride 0
 * for a broadcast operand). TF32 is a math-mode switch on the handle; BF16 operands go through
 * cublasGemmStridedBatchedEx (BF16 inputs, F32 accumulation and output).
 */
class Gemm {
    private final MemorySegment handle;
    private final MemorySegment one, zero;
    private boolean tf32, bf16;

    Gemm(boolean tf32) {
        Arena arena = Arena.global();
        MemorySegment slot = arena.allocate(ValueLayout.ADDRESS);
        check("cublasCreate_v2", Cublas.cublasCreate_v2(slot));
        handle = slot.get(ValueLayout.ADDRESS, 0);
        // The backend's one stream is the legacy default stream (NULL), which is also cuBLAS's default.
        check("cublasSetStream_v2", Cublas.cublasSetStream_v2(handle, MemorySegment.NULL));
        one = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1f);
        zero = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 0f);
        setTf32(tf32);
    }

    /** For tests without a GPU: no cuBLAS handle; a subclass overrides the two calls that reach cuBLAS. */
    protected Gemm() {
        handle = one = zero = null;
    }

    static void check(String function, int status) {
        if (status != Cublas.CUBLAS_STATUS_SUCCESS) {
            String text;
            try {
                text = Cublas.cublasGetStatusString(status).reinterpret(200).getString(0);
            } catch (RuntimeException e) {
                text = "status " + status;
            }
            throw new CudaException(function + " failed: " + text + " (" + status + ")");
        }
    }

    void setTf32(boolean enabled) {
        setMathMode(enabled);
        tf32 = enabled;
    }

    protected void setMathMode(boolean tf32) {
        check("cublasSetMathMode", Cublas.cublasSetMathMode(handle, tf32 ? Cublas.CUBLAS_TF32_TENSOR_OP_MATH : Cublas.CUBLAS_DEFAULT_MATH));
    }

    boolean tf32() {
        return tf32;
    }

    /** Whether the backend rounds F32 operands to BF16 before each product (its choice; cuBLAS is told per call). */
    void setBf16(boolean enabled) {
        bf16 = enabled;
    }

    boolean bf16() {
        return bf16;
    }

    /** One operand's matrices, as cuBLAS sees them: op (N or T), leading dimension, batch stride (elements). */
    record Operand(int op, int ld, long batchStride) {
        /**
         * For t (batch, r, c): row-major memory read column-major is t^T (c x r, ld = row stride): op N gives t^T.
         * Column-major memory read column-major is t (r x c, ld = column stride): op T gives t^T. A leading
         * dimension that is never stepped over (one row, or one column) is set to the smallest legal value.
         */
        static Operand transposeOf(Tensor t) {
            int r = t.size(1), c = t.size(2), sr = t.stride(1), sc = t.stride(2);
            if (rowMajor(r, c, sr, sc)) return new Operand(Cublas.CUBLAS_OP_N, r == 1 ? Math.max(c, 1) : sr, t.stride(0));
            return new Operand(Cublas.CUBLAS_OP_T, c == 1 ? Math.max(r, 1) : sc, t.stride(0));
        }
    }

    private static boolean rowMajor(int r, int c, int sr, int sc) {
        return (sc == 1 || c == 1) && (sr >= c || r == 1);
    }

    private static boolean colMajor(int r, int c, int sr, int sc) {
        return (sr == 1 || r == 1) && (sc >= r || c == 1);
    }

    /** Whether cuBLAS can read t (batch, r, c) as it is (as Matmul.matrixLayout promises the backend). */
    static boolean isMatrixLayout(Tensor t) {
        int r = t.size(1), c = t.size(2), sr = t.stride(1), sc = t.stride(2);
        return rowMajor(r, c, sr, sc) || colMajor(r, c, sr, sc);
    }

    /**
     * out (batch, m, n) contiguous F32 = a (batch, m, k) times b (batch, k, n), both F32 or both BF16; addresses
     * include the views' offsets.
     */
    void multiply(Tensor a, long aAddress, Tensor b, long bAddress, long outAddress) {
        int batch = a.size(0), m = a.size(1), k = a.size(2), n = b.size(2);
        Operand opB = Operand.transposeOf(b); // cuBLAS's first operand: B^T, n x k
        Operand opA = Operand.transposeOf(a); // cuBLAS's second operand: A^T, k x m
        if (a.dtype() != b.dtype()) throw new IllegalArgumentException("matmul: operands of one dtype, got " + a.dtype() + " and " + b.dtype());
        if (a.dtype() == jtrain.engine.DType.BF16) {
            stridedBatchedBf16(opB.op(), opA.op(), n, m, k, bAddress, opB.ld(), opB.batchStride(), aAddress, opA.ld(), opA.batchStride(),
                    outAddress, n, (long) m * n, batch);
        } else {
            stridedBatched(opB.op(), opA.op(), n, m, k, bAddress, opB.ld(), opB.batchStride(), aAddress, opA.ld(), opA.batchStride(),
                    outAddress, n, (long) m * n, batch);
        }
    }

    /** cublasSgemmStridedBatched with alpha 1 and beta 0: column-major C = op(A) op(B), (m x k)(k x n), per batch. */
    protected void stridedBatched(int opA, int opB, int m, int n, int k, long a, int lda, long strideA, long b, int ldb, long strideB,
                                  long c, int ldc, long strideC, int batch) {
        check("cublasSgemmStridedBatched", Cublas.cublasSgemmStridedBatched(handle, opA, opB, m, n, k, one,
                MemorySegment.ofAddress(a), lda, strideA, MemorySegment.ofAddress(b), ldb, strideB,
                zero, MemorySegment.ofAddress(c), ldc, strideC, batch));
        if (Driver.SYNC) Driver.check("cuCtxSynchronize after cublasSgemmStridedBatched", jcuda.driver.JCudaDriver.cuCtxSynchronize());
    }

    /** The same with BF16 A and B (F32 C, alpha and beta; F32 accumulation): cublasGemmStridedBatchedEx. */
    protected void stridedBatchedBf16(int opA, int opB, int m, int n, int k, long a, int lda, long strideA, long b, int ldb,
                                      long strideB, long c, int ldc, long strideC, int batch) {
        check("cublasGemmStridedBatchedEx", Cublas.cublasGemmStridedBatchedEx(handle, opA, opB, m, n, k, one,
                MemorySegment.ofAddress(a), Cublas.CUDA_R_16BF, lda, strideA, MemorySegment.ofAddress(b), Cublas.CUDA_R_16BF, ldb,
                strideB, zero, MemorySegment.ofAddress(c), Cublas.CUDA_R_32F, ldc, strideC, batch, Cublas.CUBLAS_COMPUTE_32F,
                Cublas.CUBLAS_GEMM_DEFAULT));
        if (Driver.SYNC) Driver.check("cuCtxSynchronize after cublasGemmStridedBatchedEx", jcuda.driver.JCudaDriver.cuCtxSynchronize());
    }
}
