// CPU emulator: cublasSgemmStridedBatched with cuBLAS's semantics (column-major storage, argument checks, status
// codes), computed naively with double accumulation. Stands in for cuBLAS, which the kernels' host code calls for
// every matrix product.
#include <cstring>
#include <vector>

namespace {

constexpr int kSuccess = 0;      // CUBLAS_STATUS_SUCCESS
constexpr int kInvalidValue = 7; // CUBLAS_STATUS_INVALID_VALUE

bool transposed(int op) {
    return op != 0; // CUBLAS_OP_T = 1; CUBLAS_OP_C = 2 is the same for real matrices
}

int atLeastOne(int v) {
    return v > 1 ? v : 1;
}

} // namespace

// Per batch b: C_b = alpha * op(A_b) * op(B_b) + beta * C_b, where op(A) is m x k, op(B) is k x n and C is m x n; the
// element (i, j) of a matrix X with leading dimension ld is X[i + j * ld]. With beta == 0, C is only written (NaN in
// it does not propagate); with alpha == 0, A and B are not read. Returns a cuBLAS status.
extern "C" __attribute__((visibility("default"))) int emu_sgemm_strided_batched(
        int transa, int transb, int m, int n, int k, float alpha, const float* A, int lda, long long strideA,
        const float* B, int ldb, long long strideB, float beta, float* C, int ldc, long long strideC, int batch) {
    if (transa < 0 || transa > 2 || transb < 0 || transb > 2) return kInvalidValue;
    if (m < 0 || n < 0 || k < 0 || batch < 0) return kInvalidValue;
    bool ta = transposed(transa), tb = transposed(transb);
    // A is stored m x k (or k x m when transposed), B k x n (or n x k).
    if (lda < atLeastOne(ta ? k : m) || ldb < atLeastOne(tb ? n : k) || ldc < atLeastOne(m)) return kInvalidValue;
    if (m == 0 || n == 0 || batch == 0) return kSuccess;

    // op(A) row by row and op(B) column by column, so that each dot product reads contiguous memory.
    std::vector<float> rowsA((size_t) m * k), colsB((size_t) n * k);
    for (int b = 0; b < batch; b++) {
        const float* a = A + b * strideA;
        const float* bm = B + b * strideB;
        float* c = C + b * strideC;
        if (alpha != 0.0f) {
            for (int i = 0; i < m; i++) {
                for (int p = 0; p < k; p++) {
                    rowsA[(size_t) i * k + p] = ta ? a[p + (long long) i * lda] : a[i + (long long) p * lda];
                }
            }
            for (int j = 0; j < n; j++) {
                for (int p = 0; p < k; p++) {
                    colsB[(size_t) j * k + p] = tb ? bm[j + (long long) p * ldb] : bm[p + (long long) j * ldb];
                }
            }
        }
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < m; i++) {
                double sum = 0.0;
                if (alpha != 0.0f) {
                    const float* x = rowsA.data() + (size_t) i * k;
                    const float* y = colsB.data() + (size_t) j * k;
                    for (int p = 0; p < k; p++) sum += (double) x[p] * y[p];
                }
                float& out = c[i + (long long) j * ldc];
                double value = (double) alpha * sum;
                if (beta != 0.0f) value += (double) beta * out;
                out = (float) value;
            }
        }
    }
    return kSuccess;
}
