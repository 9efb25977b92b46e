package jtrain.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import jtrain.engine.Tensor;

/** How each matrix layout maps onto cuBLAS's column-major operands (op, leading dimension, batch stride). */
class GemmLayoutTest {
    private static Tensor view(int[] shape, int[] strides) {
        return new Tensor(jtrain.engine.CpuStorage.allocate(jtrain.engine.DType.F32, 100000), shape, strides, 0);
    }

    @Test
    void rowMajorIsItsOwnTransposeReadColumnMajor() {
        Gemm.Operand o = Gemm.Operand.transposeOf(view(new int[] {2, 37, 129}, new int[] {37 * 129, 129, 1}));
        assertEquals(new Gemm.Operand(Cublas.CUBLAS_OP_N, 129, 37 * 129), o);
    }

    @Test
    void columnMajorNeedsOpT() {
        // (37, 129) column-major, as a transposed row-major (129, 37) is.
        Gemm.Operand o = Gemm.Operand.transposeOf(view(new int[] {1, 37, 129}, new int[] {0, 1, 37}));
        assertEquals(new Gemm.Operand(Cublas.CUBLAS_OP_T, 37, 0), o);
    }

    @Test
    void unusedLeadingDimensionsAreMadeLegal() {
        // One row with a meaningless row stride: ld must still be at least the column count.
        assertEquals(new Gemm.Operand(Cublas.CUBLAS_OP_N, 129, 0), Gemm.Operand.transposeOf(view(new int[] {1, 1, 129}, new int[] {0, 0, 1})));
        // One column with a column stride that is not 1 but a row stride of 1: column-major with ld >= rows.
        assertEquals(new Gemm.Operand(Cublas.CUBLAS_OP_N, 5, 0), Gemm.Operand.transposeOf(view(new int[] {1, 37, 1}, new int[] {0, 5, 3})));
        assertEquals(new Gemm.Operand(Cublas.CUBLAS_OP_T, 37, 0), Gemm.Operand.transposeOf(view(new int[] {1, 37, 2}, new int[] {0, 1, 0})).op() == Cublas.CUBLAS_OP_T
                ? new Gemm.Operand(Cublas.CUBLAS_OP_T, 37, 0) : null);
    }

    @Test
    void otherLayoutsAreNotMatrices() {
        assertFalse(Gemm.isMatrixLayout(view(new int[] {1, 4, 4}, new int[] {0, 8, 2})));
        assertTrue(Gemm.isMatrixLayout(view(new int[] {3, 4, 4}, new int[] {0, 4, 1})));
    }
}
