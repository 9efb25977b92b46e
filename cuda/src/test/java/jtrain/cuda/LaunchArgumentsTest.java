package jtrain.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import jtrain.engine.DType;
import jtrain.engine.Tensor;
import jtrain.engine.backend.Backend;

/**
 * Without a GPU: every CudaBackend method, on contiguous, strided and broadcast views, launches kernels whose
 * argument lists match the PTX declarations (count, int/float/64-bit kinds, struct sizes) with legal launch
 * shapes. This catches the parameter-packing mistakes that would otherwise only show as garbage on a GPU.
 */
class LaunchArgumentsTest {
    private FakeGpu gpu;
    private CudaBackend be;

    @BeforeEach
    void setUp() throws Exception {
        gpu = FakeGpu.create();
        Assumptions.assumeTrue(gpu != null, "the kernels jar holds no PTX (built without nvcc): nothing to check");
        be = gpu.backend;
    }

    private Tensor t(DType dtype, int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        return new Tensor(be.allocate(dtype, n), shape);
    }

    @Test
    void everyMethodLaunchesWithMatchingArguments() {
        Tensor x = t(DType.F32, 3, 37, 129);
        Tensor xt = x.transpose(0, 2);                        // strided view (129, 37, 3)
        Tensor bias = t(DType.F32, 129).expand(3, 37, 129);    // stride-0 broadcast
        Tensor ids = t(DType.I32, 3, 37);
        Tensor scalar = t(DType.F32);

        be.copy(xt, t(DType.F32, 129, 37, 3));
        be.copy(x, t(DType.I32, 3, 37, 129));
        be.copy(ids, t(DType.F32, 3, 37));
        be.fill(xt, 2.5);
        be.fill(ids, 7);
        for (Backend.Unary op : Backend.Unary.values()) {
            be.unary(op, x);
            be.unary(op, xt);
        }
        be.unary(Backend.Unary.NEG, ids);
        for (Backend.Binary op : Backend.Binary.values()) {
            be.binary(op, x, bias);
            be.binary(op, x, x);
        }
        be.binary(Backend.Binary.ADD, ids, ids);
        for (Backend.Activation op : Backend.Activation.values()) {
            be.activation(op, 1.5, x);
            be.activation(op, 1.5, xt);   // a strided input is made dense first
            be.activationBackward(op, 1.5, x, x);
            be.activationBackward(op, 1.5, xt, xt);
        }
        be.where(x, x, bias);
        be.where(ids, ids, ids);
        be.addInPlace(t(DType.F32, 3, 37, 129), bias);
        be.scaleInPlace(t(DType.F32, 3, 37, 129), scalar);
        for (Backend.Reduce op : Backend.Reduce.values()) {
            be.reduce(op, x, new boolean[] {true, true, false});     // leading dims: column sums for SUM
            be.reduce(op, x, new boolean[] {false, false, true});
            be.reduce(op, x, new boolean[] {true, true, true});      // to a scalar: chunked, two launches
            be.reduce(op, xt, new boolean[] {true, false, true});
            be.reduce(op, t(DType.F32, 8192, 768), new boolean[] {true, false});
        }
        Tensor rows = t(DType.F32, 111, 129);
        be.softmax(rows);
        be.softmaxBackward(rows, rows.transpose(0, 1).transpose(0, 1));
        be.logSoftmax(t(DType.F32, 5, 30522));
        be.logSoftmaxBackward(rows, rows);
        Tensor gamma = t(DType.F32, 129), beta = t(DType.F32, 129);
        Tensor[] ln = be.layerNorm(rows, gamma, beta, 1e-12);
        be.layerNormBackward(rows, rows, gamma, ln[1], ln[2]);
        Tensor weight = t(DType.F32, 1000, 129);
        be.embedding(weight, ids);
        be.embeddingBackward(t(DType.F32, 3, 37, 129), ids, 1000);
        Tensor logits = t(DType.F32, 37, 30522), targets = t(DType.I32, 37);
        Tensor[] ce = be.crossEntropy(logits, targets, -100);
        be.crossEntropyBackward(logits, ce[1], targets, -100, scalar);
        be.crossEntropy(t(DType.F32, 0, 10), t(DType.I32, 0), -100);
        be.dropoutMask(new int[] {3, 37, 129}, DType.F32, 0.1, 42);
        be.sumOfSquares(xt);
        be.sumOfSquares(t(DType.F32, 0));
        Tensor p = t(DType.F32, 4097);
        be.adamw(p, t(DType.F32, 4097), t(DType.F32, 4097), t(DType.F32, 4097), 1e-3, 0.9, 0.999, 1e-8, 0.01, 0.1, 0.001);

        Set<String> kernels = new TreeSet<>();
        for (FakeGpu.Launch l : gpu.launches) kernels.add(l.kernel());
        // Every kernel family was reached (signatures were checked at each launch).
        for (String k : new String[] {"copy_f32_f32", "copy_f32_i32", "copy_i32_f32", "fill_f32", "fill_i32", "unary_f32",
                "unary_i32", "gelu_forward_f32", "binary_f32", "binary_i32", "gelu_backward_f32", "gelu_tanh_forward_f32", "gelu_tanh_backward_f32",
                "swish_forward_f32", "swish_backward_f32", "where_f32_f32", "where_i32_i32",
                "add_inplace_f32", "scale_inplace_f32", "reduce_f32", "colsum_partial_f32", "colsum_finish_f32", "softmax_f32",
                "softmax_backward_f32", "log_softmax_f32", "log_softmax_backward_f32", "layernorm_forward_f32",
                "layernorm_backward_input_f32", "layernorm_backward_params_partial_f32", "embedding_forward_f32",
                "embedding_backward_f32", "cross_entropy_rows_f32", "cross_entropy_finish_f32", "cross_entropy_count_f32",
                "cross_entropy_backward_f32", "dropout_mask_f32", "sumsq_partial_f32", "sum_dense_f32", "adamw_f32"}) {
            assertTrue(kernels.contains(k), "never launched: " + k);
        }
    }

    @Test
    void blockReductionsGetWholeWarps() {
        be.reduce(Backend.Reduce.SUM, t(DType.F32, 7, 5), new boolean[] {false, true});
        be.softmax(t(DType.F32, 4, 3));
        be.layerNorm(t(DType.F32, 2, 7), t(DType.F32, 7), t(DType.F32, 7), 1e-5);
        be.crossEntropy(t(DType.F32, 2, 3), t(DType.I32, 2), -100);
        for (FakeGpu.Launch l : gpu.launches) {
            if (!l.kernel().startsWith("copy") && !l.kernel().startsWith("fill")) {
                assertEquals(0, l.blockX() % 32, l.kernel() + " launched with " + l.blockX() + " threads");
            }
        }
    }

    @Test
    void dropoutThresholdIsTheExactIntegerForm() {
        be.dropoutMask(new int[] {10}, DType.F32, 0.1, 7);
        FakeGpu.Launch l = gpu.launches.getLast();
        long threshold = (Long) l.args()[2];
        // u = k * 2^-24 >= 0.1 exactly when k >= threshold.
        assertTrue((threshold) * 0x1.0p-24 >= 0.1);
        assertFalse((threshold - 1) * 0x1.0p-24 >= 0.1);
        assertEquals((float) (1 / 0.9), (Float) l.args()[3]);
    }
}
