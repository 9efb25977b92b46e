package jtrain.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import jtrain.engine.DType;
import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.engine.backend.Backend;
import jtrain.engine.backend.Backend.Activation;
import jtrain.engine.backend.Backend.Binary;
import jtrain.engine.backend.Backend.Reduce;
import jtrain.engine.backend.Backend.Unary;

/**
 * Each CudaBackend kernel against the reference backend (the specification), on fresh random inputs of odd sizes,
 * with strided and broadcast (stride-0) views, at a stated tolerance: an element passes when
 * |cuda - reference| <= atol + rtol * |reference| (both NaN passes; tolerance 0 means bit-equal).
 * Shared by the GPU tests and {@link CudaSelfTest}.
 */
public final class OpChecks {
    private OpChecks() {}

    /** Computes outputs with backend be from inputs already on be's device. */
    @FunctionalInterface
    public interface Op {
        Tensor[] run(Backend be, Tensor[] in);
    }

    public record Check(String name, double atol, double rtol, Supplier<Tensor[]> inputs, Op op) {}

    /** worst: the largest |error| / tolerance over all outputs (at most 1 passes), or the failure's message. */
    public record Result(String name, long elements, double worst, boolean passed, String note) {}

    private static final int[] S = {3, 37, 129};
    private static final double EXACT = 0;

    // ---- inputs --------------------------------------------------------------------------------------------------

    private static Tensor randn(long seed, int... shape) {
        return Tensor.randn(new Rng(seed), shape);
    }

    /** randn mapped elementwise on the host (positive inputs for log, integer-valued ones for comparisons...). */
    private static Tensor mapped(long seed, java.util.function.DoubleUnaryOperator f, int... shape) {
        float[] v = randn(seed, shape).toFloatArray();
        for (int i = 0; i < v.length; i++) v[i] = (float) f.applyAsDouble(v[i]);
        return Tensor.of(v, shape);
    }

    private static Tensor ints(long seed, int lo, int hi, int... shape) {
        Rng rng = new Rng(seed);
        int n = 1;
        for (int s : shape) n *= s;
        int[] v = new int[n];
        for (int i = 0; i < n; i++) v[i] = lo + rng.nextInt(hi - lo);
        return Tensor.ofInts(v, shape);
    }

    @SafeVarargs
    private static Supplier<Tensor[]> in(Supplier<Tensor>... makers) {
        return () -> {
            Tensor[] t = new Tensor[makers.length];
            for (int i = 0; i < t.length; i++) t[i] = makers[i].get();
            return t;
        };
    }

    private static Tensor[] out(Tensor... t) {
        return t;
    }

    private static Tensor newOn(Backend be, DType dtype, int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        return new Tensor(be.allocate(dtype, n), shape);
    }

    // ---- the checks ------------------------------------------------------------------------------------------------

    public static List<Check> all() {
        List<Check> c = new ArrayList<>();
        // memory
        c.add(new Check("copy permuted view -> contiguous 3x37x129", 0, EXACT, in(() -> randn(1, S)), (be, x) -> {
            Tensor v = x[0].permute(2, 0, 1);
            Tensor d = newOn(be, DType.F32, v.shape());
            be.copy(v, d);
            return out(d);
        }));
        c.add(new Check("copy into a transposed destination", 0, EXACT, in(() -> randn(2, 37, 129)), (be, x) -> {
            Tensor d = newOn(be, DType.F32, 129, 37);
            be.copy(x[0], d.transpose(0, 1));
            return out(d);
        }));
        c.add(new Check("copy F32 -> I32 (truncation) and I32 -> F32", 0, EXACT, in(() -> mapped(3, v -> v * 100, S), () -> ints(4, -5000, 5000, S)),
                (be, x) -> {
                    Tensor i = newOn(be, DType.I32, S), f = newOn(be, DType.F32, S);
                    be.copy(x[0], i);
                    be.copy(x[1], f);
                    return out(i, f);
                }));
        c.add(new Check("fill a sliced view", 0, EXACT, in(() -> randn(5, S)), (be, x) -> {
            be.fill(x[0].slice(2, 7, 100).transpose(0, 1), -1.25);
            return out(x[0]);
        }));
        // elementwise
        for (Unary op : Unary.values()) {
            boolean positive = op == Unary.LOG || op == Unary.SQRT || op == Unary.RSQRT;
            c.add(new Check("unary " + op + " on a transposed view", 1e-6, 2e-6, in(() -> mapped(10 + op.ordinal(), v -> positive ? Math.abs(v) + 0.1 : v, S)),
                    (be, x) -> out(be.unary(op, x[0].transpose(0, 2)))));
        }
        c.add(new Check("unary GELU contiguous 4097x1023 (grid-stride)", 1e-6, 2e-6, in(() -> randn(30, 4097, 1023)),
                (be, x) -> out(be.unary(Unary.GELU, x[0]))));
        c.add(new Check("unary NEG on I32", 0, EXACT, in(() -> ints(31, -100, 100, S)), (be, x) -> out(be.unary(Unary.NEG, x[0]))));
        for (Binary op : Binary.values()) {
            boolean compare = op == Binary.EQ || op == Binary.GT || op == Binary.LT;
            java.util.function.DoubleUnaryOperator fa = op == Binary.POW ? v -> Math.abs(v) + 0.5 : compare ? v -> Math.rint(v * 2) : v -> v;
            java.util.function.DoubleUnaryOperator fb = op == Binary.DIV ? v -> Math.abs(v) + 0.5 : compare ? v -> Math.rint(v * 2) : v -> v;
            c.add(new Check("binary " + op + " with a broadcast (37, 1) operand", 1e-6, 4e-6,
                    in(() -> mapped(40 + op.ordinal(), fa, S), () -> mapped(60 + op.ordinal(), fb, 37, 1)),
                    (be, x) -> out(be.binary(op, x[0], x[1].expand(S)))));
        }
        c.add(new Check("binary GELU_BACKWARD contiguous", 1e-6, 2e-6, in(() -> randn(80, S), () -> randn(81, S)),
                (be, x) -> out(be.binary(Binary.GELU_BACKWARD, x[0], x[1]))));
        // The fused activations (activations.cu) with the constants the hidden_act names use, on odd sizes, one of them
        // large enough for the grid-stride loop to take several turns; the inputs spread to where the sigmoid saturates.
        Object[][] activations = {{Activation.GELU_TANH, Math.sqrt(2 / Math.PI)}, {Activation.GELU_TANH, 0.7978845608},
                {Activation.SWISH, 1.0}, {Activation.SWISH, 1.702}};
        for (int i = 0; i < activations.length; i++) {
            Activation op = (Activation) activations[i][0];
            double k = (Double) activations[i][1];
            long seed = 90 + 2 * i;
            c.add(new Check("activation " + op + " (c = " + k + ") and its backward", 1e-6, 2e-6,
                    in(() -> mapped(seed, v -> 4 * v, S), () -> randn(seed + 1, S)),
                    (be, x) -> out(be.activation(op, k, x[0]), be.activationBackward(op, k, x[0], x[1]))));
        }
        c.add(new Check("activation GELU_TANH contiguous 4097x1023 (grid-stride) and its backward", 1e-6, 2e-6,
                in(() -> randn(99, 4097, 1023), () -> randn(100, 4097, 1023)),
                (be, x) -> out(be.activation(Activation.GELU_TANH, Math.sqrt(2 / Math.PI), x[0]),
                        be.activationBackward(Activation.GELU_TANH, Math.sqrt(2 / Math.PI), x[0], x[1]))));
        // Views that merge to one dimension with an offset and a stride (the kernels' division-free path).
        c.add(new Check("binary MUL of two column views (one dimension, stride 129, offsets 3 and 5)", 1e-6, 2e-6,
                in(() -> randn(82, 111, 129), () -> randn(83, 111, 129)),
                (be, x) -> out(be.binary(Binary.MUL, x[0].slice(1, 3, 4), x[1].slice(1, 5, 6)))));
        c.add(new Check("unary EXP of rows 7-99 (one dimension, offset 903)", 1e-6, 2e-6, in(() -> randn(84, 111, 129)),
                (be, x) -> out(be.unary(Unary.EXP, x[0].slice(0, 7, 100)))));
        c.add(new Check("binary ADD, DIV on I32 (truncating)", 0, EXACT, in(() -> ints(82, -1000, 1000, S), () -> ints(83, 1, 50, S)),
                (be, x) -> out(be.binary(Binary.ADD, x[0], x[1]), be.binary(Binary.DIV, x[0], x[1]))));
        c.add(new Check("where: F32 and I32 conditions, broadcast and transposed values", 0, EXACT,
                in(() -> mapped(84, v -> v > 0 ? 1 : 0, S), () -> randn(85, 129), () -> randn(86, 129, 37, 3), () -> ints(87, 0, 2, S)),
                (be, x) -> out(be.where(x[0], x[1].expand(S), x[2].permute(2, 1, 0)), be.where(x[3], x[1].expand(S), x[2].permute(2, 1, 0)))));
        c.add(new Check("addInPlace of a broadcast row", 1e-6, 1e-6, in(() -> randn(88, S), () -> randn(89, 129)), (be, x) -> {
            be.addInPlace(x[0], x[1].expand(S));
            return out(x[0]);
        }));
        c.add(new Check("scaleInPlace by a device scalar", 1e-6, 1e-6, in(() -> randn(90, S), () -> Tensor.scalar(0.37)), (be, x) -> {
            be.scaleInPlace(x[0], x[1]);
            return out(x[0]);
        }));
        // reductions
        c.add(reduce("SUM over (0, 1) (column sums)", Reduce.SUM, new boolean[] {true, true, false}, false, 1e-4, S));
        c.add(reduce("SUM over the last dim", Reduce.SUM, new boolean[] {false, false, true}, false, 1e-4, S));
        c.add(reduce("SUM over everything", Reduce.SUM, new boolean[] {true, true, true}, false, 1e-3, S));
        c.add(reduce("SUM over (0, 2) of a transposed view", Reduce.SUM, new boolean[] {true, false, true}, true, 1e-4, S));
        c.add(reduce("MAX over dim 1", Reduce.MAX, new boolean[] {false, true, false}, false, 0, S));
        c.add(reduce("MAX over everything", Reduce.MAX, new boolean[] {true, true, true}, false, 0, S));
        c.add(reduce("SUM over rows of 8192x768 (bias gradient)", Reduce.SUM, new boolean[] {true, false}, false, 1e-3, 8192, 768));
        c.add(reduce("SUM of 6.3M elements (chunked)", Reduce.SUM, new boolean[] {true, true}, false, 2e-2, 8192, 768));
        // matrix products (TF32 off)
        c.add(matmul("matmul (3,37,129)@(3,129,65)", false, false, false, 3, 37, 129, 65));
        c.add(matmul("matmul, A transposed view (column-major)", true, false, false, 3, 37, 129, 65));
        c.add(matmul("matmul, B transposed view (column-major)", false, true, false, 3, 37, 129, 65));
        c.add(matmul("matmul, B broadcast over the batch (stride 0)", false, false, true, 3, 37, 129, 65));
        c.add(matmul("matmul (1,1,129)@(1,129,1)", false, false, false, 1, 1, 129, 1));
        c.add(matmul("matmul (1,513,769)@(1,769,1023)", false, true, false, 1, 513, 769, 1023));
        c.add(new Check("matmul with TF32 on (1,513,769)@(1,769,1023)", 0.15, 1e-2,
                in(() -> randn(302, 1, 513, 769), () -> randn(303, 1, 769, 1023)), (be, x) -> be instanceof CudaBackend cuda
                        ? withPrecision(cuda, "tf32", () -> out(be.matmul(x[0], x[1]))) : out(be.matmul(x[0], x[1]))));
        // BF16 products: the same terms as the CPU's F32 product of the BF16-rounded operands, summed in another
        // order; the operand views cover every layout the copy to BF16 must keep (orientation, offsets, padding,
        // broadcast batches, single rows and columns)
        c.add(matmulBf16("matmul with BF16 (3,37,129)@(3,129,65)", () -> randn(304, 3, 37, 129), () -> randn(305, 3, 129, 65), x -> x));
        c.add(matmulBf16("matmul with BF16, A transposed view (column-major)", () -> randn(306, 3, 129, 37), () -> randn(307, 3, 129, 65),
                x -> new Tensor[] {x[0].transpose(1, 2), x[1]}));
        c.add(matmulBf16("matmul with BF16, B a broadcast transposed view (a linear weight)", () -> randn(308, 3, 37, 129), () -> randn(309, 1, 65, 129),
                x -> new Tensor[] {x[0], x[1].transpose(1, 2).expand(3, 129, 65)}));
        c.add(matmulBf16("matmul with BF16 (1,513,769)@(1,769,1023)", () -> randn(310, 1, 513, 769), () -> randn(311, 1, 1023, 769),
                x -> new Tensor[] {x[0], x[1].transpose(1, 2)}));
        c.add(matmulBf16("matmul with BF16, sliced operands (padded rows, offsets)", () -> randn(312, 3, 37, 200), () -> randn(313, 3, 129, 80),
                x -> new Tensor[] {x[0].slice(2, 5, 134).slice(0, 1, 3), x[1].slice(2, 3, 68).slice(0, 1, 3)}));
        c.add(matmulBf16("matmul with BF16, sliced column-major operands", () -> randn(314, 4, 129, 50), () -> randn(315, 3, 70, 129),
                x -> new Tensor[] {x[0].transpose(1, 2).slice(1, 6, 43).slice(0, 1, 4), x[1].slice(1, 2, 67).transpose(1, 2)}));
        c.add(matmulBf16("matmul with BF16, a row times a column (sliced)", () -> randn(316, 3, 129, 37), () -> randn(317, 3, 129, 65),
                x -> new Tensor[] {x[0].transpose(1, 2).slice(1, 4, 5), x[1].slice(2, 7, 8)}));
        c.add(matmulBf16("matmul with BF16, A broadcast over the batch", () -> randn(318, 1, 37, 129), () -> randn(319, 4, 129, 65),
                x -> new Tensor[] {x[0].expand(4, 37, 129), x[1]}));
        c.add(matmulBf16("matmul with BF16, permuted operands (made dense first)", () -> randn(320, 129, 37, 3), () -> randn(321, 65, 129, 3),
                x -> new Tensor[] {x[0].permute(2, 1, 0), x[1].permute(2, 1, 0)}));
        // row kernels
        c.add(new Check("softmax 111x129", 1e-7, 1e-5, in(() -> randn(100, 111, 129)), (be, x) -> out(be.softmax(x[0]))));
        c.add(new Check("softmax 5x30522 with masked (-1e9) entries", 1e-7, 1e-4,
                in(() -> mapped(101, v -> v > 1.5 ? -1e9 : v * 3, 5, 30522)), (be, x) -> out(be.softmax(x[0]))));
        c.add(new Check("softmaxBackward 111x129", 1e-6, 1e-4, in(() -> randn(102, 111, 129), () -> randn(103, 111, 129)),
                (be, x) -> out(be.softmaxBackward(be.softmax(x[0]), x[1]))));
        c.add(new Check("logSoftmax 5x30522", 1e-5, 1e-5, in(() -> mapped(104, v -> v * 4, 5, 30522)), (be, x) -> out(be.logSoftmax(x[0]))));
        c.add(new Check("logSoftmaxBackward 111x129", 1e-5, 1e-4, in(() -> randn(105, 111, 129), () -> randn(106, 111, 129)),
                (be, x) -> out(be.logSoftmaxBackward(be.logSoftmax(x[0]), x[1]))));
        c.add(new Check("layerNorm 111x768 (mean 3, std 2)", 1e-4, 1e-4,
                in(() -> mapped(107, v -> 3 + 2 * v, 111, 768), () -> randn(108, 768), () -> randn(109, 768)),
                (be, x) -> be.layerNorm(x[0], x[1], x[2], 1e-12)));
        c.add(new Check("layerNormBackward 111x768 (gx, ggamma, gbeta)", 1e-3, 1e-4,
                in(() -> mapped(110, v -> 3 + 2 * v, 111, 768), () -> randn(111, 768), () -> randn(112, 768), () -> randn(113, 111, 768)),
                (be, x) -> {
                    Tensor[] f = be.layerNorm(x[0], x[1], x[2], 1e-5);
                    return be.layerNormBackward(x[3], x[0], x[1], f[1], f[2]);
                }));
        c.add(new Check("layerNorm + backward 7x129", 1e-4, 1e-4,
                in(() -> randn(114, 7, 129), () -> randn(115, 129), () -> randn(116, 129), () -> randn(117, 7, 129)), (be, x) -> {
                    Tensor[] f = be.layerNorm(x[0], x[1], x[2], 1e-5);
                    Tensor[] b = be.layerNormBackward(x[3], x[0], x[1], f[1], f[2]);
                    return out(f[0], b[0], b[1], b[2]);
                }));
        // embedding
        c.add(new Check("embedding 1000x129, ids 3x37", 0, EXACT, in(() -> randn(120, 1000, 129), () -> ints(121, 0, 1000, 3, 37)),
                (be, x) -> out(be.embedding(x[0], x[1]))));
        c.add(new Check("embeddingBackward with repeated ids (atomics)", 1e-5, 1e-5, in(() -> randn(122, 3, 37, 129), () -> ints(123, 0, 10, 3, 37)),
                (be, x) -> out(be.embeddingBackward(x[0], x[1], 10))));
        // cross-entropy
        c.add(new Check("crossEntropy 37x30522, 30% ignored (loss, logsumexp)", 1e-5, 1e-5,
                in(() -> mapped(130, v -> 2 * v, 37, 30522), () -> ignoring(131, 30522, 37)), (be, x) -> be.crossEntropy(x[0], x[1], -100)));
        c.add(new Check("crossEntropy with every target ignored is 0", 0, EXACT,
                in(() -> randn(132, 4, 7), () -> Tensor.ofInts(new int[] {-100, -100, -100, -100}, 4)), (be, x) -> out(be.crossEntropy(x[0], x[1], -100)[0])));
        c.add(new Check("crossEntropyBackward 37x30522, gLoss 2", 1e-7, 1e-4,
                in(() -> mapped(133, v -> 2 * v, 37, 30522), () -> ignoring(134, 30522, 37), () -> Tensor.scalar(2.0)), (be, x) -> {
                    Tensor[] f = be.crossEntropy(x[0], x[1], -100);
                    return out(be.crossEntropyBackward(x[0], f[1], x[1], -100, x[2]));
                }));
        // dropout: bit-identical masks
        c.add(new Check("dropoutMask p=0.1 3x37x129 (bit-identical)", 0, EXACT, in(), (be, x) -> out(be.dropoutMask(S, DType.F32, 0.1, 1234))));
        c.add(new Check("dropoutMask p=0.5 2^20+3 elements, negative seed", 0, EXACT, in(),
                (be, x) -> out(be.dropoutMask(new int[] {(1 << 20) + 3}, DType.F32, 0.5, -7))));
        // norms and the optimizer
        c.add(new Check("sumOfSquares of a transposed view", 1e-3, 1e-5, in(() -> randn(140, S)), (be, x) -> out(be.sumOfSquares(x[0].transpose(0, 2)))));
        c.add(new Check("sumOfSquares of 5M elements", 1e-1, 1e-5, in(() -> randn(141, 5, 1000, 1000)), (be, x) -> out(be.sumOfSquares(x[0]))));
        c.add(new Check("adamw 4097 elements (param, m, v)", 1e-6, 1e-5,
                in(() -> randn(150, 4097), () -> randn(151, 4097), () -> mapped(152, v -> 0.1 * v, 4097), () -> mapped(153, v -> 0.01 * v * v, 4097)),
                (be, x) -> {
                    be.adamw(x[0], x[1], x[2], x[3], 1e-3, 0.9, 0.999, 1e-8, 0.01, 1 - Math.pow(0.9, 3), 1 - Math.pow(0.999, 3));
                    return out(x[0], x[2], x[3]);
                }));
        // All of a step's parameters in one call: sizes below, at and across the GPU's chunk, each with its own factors.
        int[] sizes = {5, AdamWTable.CHUNK + 1, 2 * AdamWTable.CHUNK + 3};
        java.util.List<Supplier<Tensor>> adamwInputs = new java.util.ArrayList<>();
        for (int k = 0; k < sizes.length; k++) {
            int n = sizes[k], seed = 160 + 4 * k;
            adamwInputs.add(() -> randn(seed, n));
            adamwInputs.add(() -> randn(seed + 1, n));
            adamwInputs.add(() -> mapped(seed + 2, v -> 0.1 * v, n));
            adamwInputs.add(() -> mapped(seed + 3, v -> 0.01 * v * v, n));
        }
        @SuppressWarnings("unchecked")
        Supplier<Tensor>[] adamwMakers = adamwInputs.toArray(Supplier[]::new);
        c.add(new Check("adamwAll: 3 tensors (5, chunk+1, 2 chunks+3) in one call", 1e-6, 1e-5, in(adamwMakers), (be, x) -> {
            java.util.List<Backend.AdamWUpdate> updates = new java.util.ArrayList<>();
            for (int k = 0; k < sizes.length; k++) {
                updates.add(new Backend.AdamWUpdate(x[4 * k], x[4 * k + 1], x[4 * k + 2], x[4 * k + 3], 1e-3 * (k + 1), 0.9, 0.999, 1e-8,
                        0.01 * k, 1 - Math.pow(0.9, k + 1), 1 - Math.pow(0.999, k + 1)));
            }
            be.adamwAll(updates);
            Tensor[] result = new Tensor[3 * sizes.length];
            for (int k = 0; k < sizes.length; k++) {
                result[3 * k] = x[4 * k];
                result[3 * k + 1] = x[4 * k + 2];
                result[3 * k + 2] = x[4 * k + 3];
            }
            return out(result);
        }));
        return c;
    }

    private static Check reduce(String name, Reduce op, boolean[] dims, boolean transposed, double atol, int... shape) {
        return new Check("reduce " + name, atol, op == Reduce.MAX ? 0 : 1e-5, in(() -> randn(200 + shape.length + (transposed ? 1 : 0), shape)),
                (be, x) -> out(be.reduce(op, transposed ? x[0].transpose(0, 2) : x[0], dims)));
    }

    /** a (batch, m, k) @ b (batch, k, n), each optionally as a transposed view, b optionally batch-broadcast. */
    private static Check matmul(String name, boolean aTransposed, boolean bTransposed, boolean bBroadcast, int batch, int m, int k, int n) {
        int bb = bBroadcast ? 1 : batch;
        return new Check(name, 2e-3, 1e-4,
                in(() -> aTransposed ? randn(300, batch, k, m) : randn(300, batch, m, k), () -> bTransposed ? randn(301, bb, n, k) : randn(301, bb, k, n)),
                (be, x) -> {
                    Tensor a = aTransposed ? x[0].transpose(1, 2) : x[0];
                    Tensor b = bTransposed ? x[1].transpose(1, 2) : x[1];
                    if (bBroadcast) b = b.expand(batch, k, n);
                    Tensor fa = a, fb = b;
                    return be instanceof CudaBackend cuda ? withPrecision(cuda, "fp32", () -> out(be.matmul(fa, fb))) : out(be.matmul(a, b));
                });
    }

    /**
     * views(a, b) multiplied with the CUDA backend's BF16 mode on; elsewhere the F32 product of the views rounded to
     * BF16 (on the CPU, round to nearest even), which holds exactly the same terms: BF16 x BF16 products are exact in F32.
     */
    private static Check matmulBf16(String name, Supplier<Tensor> a, Supplier<Tensor> b, UnaryOperator<Tensor[]> views) {
        return new Check(name, 2e-3, 1e-4, in(a, b), (be, x) -> {
            Tensor[] v = views.apply(x);
            if (!(be instanceof CudaBackend cuda)) return out(be.matmul(v[0].to(DType.BF16).to(DType.F32), v[1].to(DType.BF16).to(DType.F32)));
            return withPrecision(cuda, "bf16", () -> out(be.matmul(v[0], v[1])));
        });
    }

    /** op with the CUDA backend's products in precision ("fp32", "tf32" or "bf16"), then as they were. */
    private static Tensor[] withPrecision(CudaBackend cuda, String precision, Supplier<Tensor[]> op) {
        String before = cuda.precision();
        cuda.setPrecision(precision);
        try {
            return op.get();
        } finally {
            cuda.setPrecision(before);
        }
    }

    /** Targets in [0, classes) with about 30% set to -100. */
    private static Tensor ignoring(long seed, int classes, int n) {
        Rng rng = new Rng(seed);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = rng.nextDouble() < 0.3 ? -100 : rng.nextInt(classes);
        return Tensor.ofInts(t, n);
    }

    // ---- running ---------------------------------------------------------------------------------------------------

    /** Runs one check: inputs to the GPU first (ops may update inputs in place), then the reference, then compare. */
    public static Result run(Check check, Backend reference, Backend cuda) {
        try {
            Tensor[] host = check.inputs().get();
            Tensor[] device = new Tensor[host.length];
            for (int i = 0; i < host.length; i++) device[i] = copyOf(host[i]).to(cuda.device());
            Tensor[] actual = check.op().run(cuda, device);
            Tensor[] expected = check.op().run(reference, host);
            double worst = 0;
            long elements = 0;
            for (int o = 0; o < expected.length; o++) {
                float[] e = expected[o].toFloatArray(), a = actual[o].toFloatArray();
                if (e.length != a.length) return new Result(check.name(), elements, Double.POSITIVE_INFINITY, false, "output " + o + " sizes differ");
                elements += e.length;
                for (int i = 0; i < e.length; i++) worst = Math.max(worst, error(e[i], a[i], check.atol(), check.rtol()));
            }
            return new Result(check.name(), elements, worst, worst <= 1, "");
        } catch (RuntimeException e) {
            return new Result(check.name(), 0, Double.NaN, false, e.toString());
        }
    }

    /** A separate host copy, so that a backend on the CPU does not update the reference's inputs in place. */
    private static Tensor copyOf(Tensor t) {
        return switch (t.dtype()) {
            case I32 -> Tensor.ofInts(t.toIntArray(), t.shape());
            default -> Tensor.of(t.toFloatArray(), t.shape());
        };
    }

    /** |a - e| in units of the tolerance (0 when equal, infinite when only one is NaN or the tolerance is 0). */
    static double error(double e, double a, double atol, double rtol) {
        if (Double.isNaN(e) || Double.isNaN(a)) return Double.isNaN(e) && Double.isNaN(a) ? 0 : Double.POSITIVE_INFINITY;
        if (e == a) return 0;
        double tol = atol + rtol * Math.abs(e);
        return tol == 0 ? Double.POSITIVE_INFINITY : Math.abs(a - e) / tol;
    }

    /** A bad embedding id recorded on the GPU must surface as the reference's exception at the next read. */
    public static Result badIdIsReported(Backend cuda) {
        String name = "embedding with a bad id throws at the next read";
        Tensor w = Tensor.randn(new Rng(1), 10, 4).to(cuda.device());
        Tensor ids = Tensor.ofInts(new int[] {1, 12, 3}, 3).to(cuda.device());
        try {
            cuda.embedding(w, ids).toFloatArray();
            return new Result(name, 0, Double.POSITIVE_INFINITY, false, "no exception");
        } catch (IndexOutOfBoundsException e) {
            boolean ok = e.getMessage().contains("id 12 at flat position 1 is outside [0, 10)");
            // The record is cleared once reported: the next read succeeds.
            cuda.embedding(w, Tensor.ofInts(new int[] {1}, 1).to(cuda.device())).toFloatArray();
            return new Result(name, 3, ok ? 0 : 1e9, ok, ok ? "" : e.getMessage());
        }
    }

}
