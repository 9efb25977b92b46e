package jtrain.engine.ops;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import jtrain.engine.DType;
import jtrain.engine.Device;
import jtrain.engine.ShapeException;
import jtrain.engine.Storage;
import jtrain.engine.Tensor;

/** Misuse fails early with a message that names the op and the offending shapes, dtypes, devices or ids. */
class BadInputTest {
    private static <T extends Throwable> String fails(Class<T> type, Executable e, String... mustContain) {
        T t = assertThrows(type, e);
        String m = t.getMessage();
        for (String s : mustContain) assertTrue(m.contains(s), "message should contain '" + s + "': " + m);
        return m;
    }

    @Test
    void integerTensorsAreNeverTruncatedSilently() {
        // torch promotes to float here; rather than truncate 7 / 2 to 3 or 0.5 to 0, these are errors.
        Tensor ids = Tensor.ofInts(new int[] {7, -7, 3}, 3);
        fails(IllegalArgumentException.class, () -> ids.div(2.0), "div", "floating");
        fails(IllegalArgumentException.class, () -> ids.mul(0.5), "scalar 0.5", "truncated");
        fails(IllegalArgumentException.class, () -> ids.add(0.7), "scalar 0.7", "truncated");
        fails(IllegalArgumentException.class, () -> ids.pow(0.5), "pow", "floating");
        fails(IllegalArgumentException.class, () -> ids.div(Tensor.ofInts(new int[] {2, 2, 2}, 3)), "div", "floating");
        fails(IllegalArgumentException.class, () -> ids.geluTanh(0.8), "gelu_tanh", "floating");
        fails(IllegalArgumentException.class, () -> ids.swish(1), "swish", "floating");
        assertArrayEquals(new int[] {8, -6, 4}, ids.add(1).toIntArray(), "whole scalars stay exact");
        assertArrayEquals(new int[] {14, -14, 6}, ids.mul(2).toIntArray());
    }

    @Test
    void fusedActivationsNeedAFiniteConstant() {
        Tensor x = Tensor.zeros(2, 3);
        assertEquals("gelu_tanh: the constant must be finite, got NaN", fails(IllegalArgumentException.class, () -> x.geluTanh(Double.NaN)));
        assertEquals("swish: the constant must be finite, got Infinity", fails(IllegalArgumentException.class,
                () -> x.swish(Double.POSITIVE_INFINITY)));
    }

    @Test
    void broadcastMismatchNamesTheOpAndBothShapes() {
        Tensor a = Tensor.zeros(2, 3), b = Tensor.zeros(4);
        fails(ShapeException.class, () -> a.add(b), "add", "[2, 3]", "[4]");
        fails(ShapeException.class, () -> a.sub(b), "sub", "[2, 3]", "[4]");
        fails(ShapeException.class, () -> a.mul(b), "mul", "[2, 3]", "[4]");
        fails(ShapeException.class, () -> b.div(a), "div", "[4]", "[2, 3]");
        fails(ShapeException.class, () -> Arith.maximum(a, b), "maximum", "[2, 3]", "[4]");
        fails(ShapeException.class, () -> Nn.where(Tensor.ofInts(new int[] {1, 0, 1, 1}), a, Tensor.zeros(2, 1)), "where", "[4]");
        fails(ShapeException.class, () -> Tensor.zeros(3, 1, 4).add(Tensor.zeros(2, 5)), "add", "[3, 1, 4]", "[2, 5]");
    }

    @Test
    void matmulShapeErrors() {
        fails(ShapeException.class, () -> Tensor.zeros(2, 3).matmul(Tensor.zeros(4, 5)), "matmul", "inner", "[2, 3]", "[4, 5]");
        fails(ShapeException.class, () -> Tensor.zeros(2, 3, 4).matmul(Tensor.zeros(3, 5)), "matmul", "[2, 3, 4]", "[3, 5]");
        fails(ShapeException.class, () -> Tensor.zeros(3).matmul(Tensor.zeros(3, 5)), "matmul", "rank");
        fails(ShapeException.class, () -> Tensor.zeros(2, 3, 4).matmul(Tensor.zeros(3, 4, 5)), "matmul", "[2]", "[3]");
    }

    @Test
    void dtypeMismatchNamesBothDtypes() {
        Tensor f32 = Tensor.zeros(2), f64 = Tensor.zeros(DType.F64, Device.CPU, 2);
        fails(IllegalArgumentException.class, () -> f32.add(f64), "add", "dtype", "F32", "F64");
        fails(IllegalArgumentException.class, () -> f64.mul(f32), "mul", "F64", "F32");
        fails(IllegalArgumentException.class, () -> Tensor.zeros(2, 2).matmul(Tensor.zeros(DType.F64, Device.CPU, 2, 2)), "matmul", "F32", "F64");
        fails(IllegalArgumentException.class, () -> Views.concat(0, f32, f64), "concat", "F32", "F64");
        fails(IllegalArgumentException.class, () -> Tensor.ofInts(new int[] {1}).exp(), "exp", "I32");
        fails(IllegalArgumentException.class, () -> Nn.embedding(Tensor.zeros(3, 2), Tensor.of(new float[] {0, 1})), "embedding", "I32", "F32");
        fails(IllegalArgumentException.class, () -> Nn.crossEntropy(Tensor.zeros(2, 3), Tensor.of(new float[] {0, 1}), -100), "cross_entropy", "I32");
        fails(IllegalArgumentException.class, () -> Tensor.ofInts(new int[] {1, 2}).requiresGrad(true), "I32");
        fails(IllegalArgumentException.class, () -> Tensor.ofInts(new int[] {1, 2}).mean(), "mean", "I32");
        assertEquals(3, Tensor.ofInts(new int[] {1, 2}).sum().item(), "integer sums are fine");
    }

    @Test
    void bf16OnTheCpuMustBeWidenedFirst() {
        Tensor bf = Tensor.of(new float[] {1.5f, -2, 3.25f}).to(DType.BF16);
        assertEquals(DType.BF16, bf.dtype());
        fails(IllegalArgumentException.class, () -> bf.add(bf), "add", "BF16", "to(DType.F32)");
        fails(IllegalArgumentException.class, () -> bf.exp(), "exp", "BF16");
        assertArrayEquals(new float[] {1.5f, -2, 3.25f}, bf.to(DType.F32).toFloatArray(), "exactly representable values survive");
        assertArrayEquals(new float[] {1.5f, -2, 3.25f}, bf.toFloatArray());
    }

    /** Storage that claims to live on a GPU; its data can never be read (there is none). */
    private record FakeGpuStorage(DType dtype, int length) implements Storage {
        @Override
        public Device device() {
            return Device.cuda(0);
        }
    }

    @Test
    void deviceMismatchIsReportedBeforeAnyDataIsTouched() {
        Tensor gpu = new Tensor(new FakeGpuStorage(DType.F32, 6), 2, 3);
        Tensor cpu = Tensor.zeros(2, 3);
        // Any attempt to compute would fail differently (no CUDA backend, or a ClassCastException).
        fails(IllegalArgumentException.class, () -> cpu.add(gpu), "add", "device mismatch", "cpu", "cuda:0");
        fails(IllegalArgumentException.class, () -> gpu.mul(cpu), "mul", "device mismatch", "cuda:0", "cpu");
        fails(IllegalArgumentException.class, () -> cpu.matmul(new Tensor(new FakeGpuStorage(DType.F32, 12), 3, 4)), "matmul", "cpu", "cuda:0");
        fails(IllegalArgumentException.class, () -> Views.concat(0, cpu, gpu), "concat", "cpu", "cuda:0");
        fails(IllegalArgumentException.class, () -> Nn.where(Tensor.ofInts(new int[] {1, 0, 1}), cpu, gpu), "where", "cpu", "cuda:0");
        fails(IllegalArgumentException.class, () -> Nn.where(new Tensor(new FakeGpuStorage(DType.I32, 3), 3), cpu, cpu), "where", "cpu", "cuda:0");
        fails(IllegalArgumentException.class,
                () -> Nn.embedding(Tensor.zeros(5, 2), new Tensor(new FakeGpuStorage(DType.I32, 4), 4)), "embedding", "cpu", "cuda:0");
        fails(IllegalArgumentException.class,
                () -> Nn.crossEntropy(cpu, new Tensor(new FakeGpuStorage(DType.I32, 2), 2), -100), "cross_entropy", "cpu", "cuda:0");
        fails(IllegalArgumentException.class,
                () -> Nn.layerNorm(cpu, new Tensor(new FakeGpuStorage(DType.F32, 3), 3), Tensor.zeros(3), 1e-5), "layer_norm", "cpu", "cuda:0");
    }

    @Test
    void embeddingIdOutOfRangeNamesTheIdAndItsPosition() {
        Tensor w = Tensor.zeros(5, 2);
        fails(IndexOutOfBoundsException.class, () -> Nn.embedding(w, Tensor.ofInts(new int[] {0, 4, 7, 1})), "embedding", "id 7", "position 2", "[0, 5)");
        fails(IndexOutOfBoundsException.class, () -> Nn.embedding(w, Tensor.ofInts(new int[] {-1, 0}, 2, 1)), "id -1", "position 0");
        fails(ShapeException.class, () -> Nn.embedding(Tensor.zeros(5), Tensor.ofInts(new int[] {0})), "embedding", "rank-2");
    }

    @Test
    void crossEntropyTargetsOutOfRange() {
        Tensor logits = Tensor.zeros(3, 4);
        fails(IndexOutOfBoundsException.class, () -> Nn.crossEntropy(logits, Tensor.ofInts(new int[] {0, 4, 1}), -100),
                "cross_entropy", "4", "position 1", "[0, 4)");
        fails(IndexOutOfBoundsException.class, () -> Nn.crossEntropy(logits, Tensor.ofInts(new int[] {0, 1, -1}), -100),
                "cross_entropy", "-1", "position 2");
        fails(ShapeException.class, () -> Nn.crossEntropy(logits, Tensor.ofInts(new int[] {0, 1}), -100), "cross_entropy", "[3, 4]", "[2]");
        fails(ShapeException.class, () -> Nn.crossEntropy(Tensor.zeros(2, 3, 4), Tensor.ofInts(new int[] {0, 1}), -100), "cross_entropy", "rank-2");
    }

    @Test
    void shapeOpErrors() {
        Tensor x = Tensor.zeros(2, 3);
        fails(ShapeException.class, () -> x.reshape(4, 2), "reshape", "[2, 3]", "[4, 2]");
        fails(ShapeException.class, () -> x.reshape(-1, -1), "reshape", "-1");
        fails(ShapeException.class, () -> x.reshape(-1, 4), "reshape", "[2, 3]");
        fails(ShapeException.class, () -> x.slice(1, 2, 4), "slice", "[2, 4)", "[2, 3]");
        fails(ShapeException.class, () -> x.slice(5, 0, 1), "slice", "dimension 5", "rank 2");
        fails(ShapeException.class, () -> x.permute(0, 0), "permute", "repeated");
        fails(ShapeException.class, () -> x.permute(0), "permute");
        fails(ShapeException.class, () -> x.squeeze(0), "squeeze", "[2, 3]");
        fails(ShapeException.class, () -> x.expand(2, 4), "expand", "[2, 3]", "[2, 4]");
        fails(ShapeException.class, () -> Views.concat(0, x, Tensor.zeros(2, 4)), "concat", "[2, 3]", "[2, 4]");
        fails(ShapeException.class, () -> Views.split(x, 1, 1, 1), "split", "[1, 1]");
        fails(ShapeException.class, () -> Nn.layerNorm(x, Tensor.zeros(2), Tensor.zeros(3), 1e-5), "layer_norm", "[2, 3]", "[2]");
        fails(ShapeException.class, () -> x.item(), "item", "[2, 3]");
        fails(ShapeException.class, () -> x.get(2, 0), "get", "[2, 3]");
    }

    @Test
    void backwardNeedsAScalarThatRequiresGrad() {
        Tensor w = Tensor.zeros(2, 3).requiresGrad(true);
        fails(ShapeException.class, () -> w.mul(2).backward(), "backward", "scalar", "[2, 3]");
        fails(IllegalStateException.class, () -> Tensor.zeros(2).sum().backward(), "backward", "does not require");
        fails(IllegalStateException.class, () -> w.mul(2).requiresGrad(false), "non-leaf");
    }
}
