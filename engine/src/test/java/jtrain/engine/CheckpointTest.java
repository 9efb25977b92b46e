package jtrain.engine;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import jtrain.engine.backend.Backend;
import jtrain.engine.backend.Backends;
import jtrain.engine.backend.ReferenceBackend;
import jtrain.engine.backend.VectorBackend;
import jtrain.engine.ops.Nn;

/**
 * Activation checkpointing: a function run through {@link Checkpoint#run} gives the same result and the same
 * gradients, bit for bit, as the function run plainly, while its intermediate results are recomputed in backward.
 */
class CheckpointTest {
    /** A block like a transformer layer's: layer norm, a product with w used twice, GELU, dropout, a residual. */
    private record Block(Tensor w, Tensor gamma, Tensor beta, Rng dropoutRng) {
        Tensor forward(Tensor x, Tensor bias) {
            Tensor n = Nn.layerNorm(x, gamma, beta, 1e-12);
            Tensor h = n.matmul(w).add(bias).gelu();                        // w, and a bias input that needs no gradient
            h = Nn.dropout(h, 0.25, dropoutRng.nextLong(), true);
            return h.matmul(w.transpose(0, 1)).tanh().add(x);               // w again, and x twice
        }

        List<Tensor> params() {
            return List.of(w, gamma, beta);
        }
    }

    private static Block block(DType dtype, long seed) {
        return block(dtype, seed, new Rng(seed + 1));
    }

    private static Block block(DType dtype, long seed, Rng dropout) {
        Rng init = new Rng(seed);
        return new Block(Tensor.randn(init, 0, 0.5, dtype, 6, 6).requiresGrad(true).named("w"),
                Tensor.randn(init, 1, 0.1, dtype, 6).requiresGrad(true).named("gamma"),
                Tensor.randn(init, 0, 0.1, dtype, 6).requiresGrad(true).named("beta"), dropout);
    }

    /** Everything a run produced: the loss, each leaf's gradient and the dropout generator's final state. */
    private record Result(float[] loss, List<float[]> grads, long rngState) {}

    /**
     * loss = sum(block1(block0(x0 * 2)) * weights), as a stack of layers: the checkpointed blocks get a non-leaf
     * input, feed one another and share one dropout generator.
     */
    private static Result run(Backend backend, boolean checkpointed) {
        try (var be = Backends.useCpu(backend)) {
            Rng dropout = new Rng(99);
            List<Block> blocks = List.of(block(DType.F32, 7, dropout), block(DType.F32, 8, dropout));
            Rng data = new Rng(3);
            Tensor x0 = Tensor.randn(data, 4, 3, 6).requiresGrad(true);         // a leaf input that needs a gradient
            Tensor bias = Tensor.randn(data, 6);                                  // one that does not
            Tensor weights = Tensor.randn(data, 4, 3, 6);
            Tensor h = x0.mul(2);
            for (Block b : blocks) {
                Function<Tensor[], Tensor> f = in -> b.forward(in[0], in[1]);
                h = checkpointed ? Checkpoint.run("block", b.params(), List.of(dropout), f, h, bias) : f.apply(new Tensor[] {h, bias});
            }
            Tensor loss = h.mul(weights).sum();
            loss.backward();
            assertNull(bias.grad());
            List<float[]> grads = new java.util.ArrayList<>(List.of(x0.grad().toFloatArray()));
            for (Block b : blocks) for (Tensor p : b.params()) grads.add(p.grad().toFloatArray());
            return new Result(loss.toFloatArray(), grads, dropout.state());
        }
    }

    private static void assertSameRun(Result plain, Result checkpointed) {
        assertArrayEquals(plain.loss(), checkpointed.loss(), 0f, "loss");
        for (int i = 0; i < plain.grads().size(); i++) {
            assertArrayEquals(plain.grads().get(i), checkpointed.grads().get(i), 0f, "gradient " + i + " (x0, then w, gamma, beta of each block)");
        }
        assertEquals(plain.rngState(), checkpointed.rngState(), "the dropout generator ends where it would without checkpoints");
    }

    @Test
    void resultAndEveryGradientAreBitIdenticalOnTheVectorBackend() {
        assumeVector();
        assertSameRun(run(new VectorBackend(), false), run(new VectorBackend(), true));
    }

    @Test
    void resultAndEveryGradientAreBitIdenticalOnTheReferenceBackend() {
        assertSameRun(run(new ReferenceBackend(), false), run(new ReferenceBackend(), true));
    }

    @Test
    void gradientsPassTheFiniteDifferenceCheckInF64() {
        Block b = block(DType.F64, 11);
        Tensor x = Tensor.randn(new Rng(5), 0, 1, DType.F64, 3, 6).requiresGrad(true);
        Tensor bias = Tensor.randn(new Rng(6), 0, 1, DType.F64, 6);
        // The dropout seeds must be the same for every evaluation of L: each starts the generator from the same state.
        long start = b.dropoutRng().state();
        GradCheck.check("checkpointed block", in -> {
            b.dropoutRng().setState(start);
            return Checkpoint.run("block", List.of(in[1], in[2], in[3]), List.of(b.dropoutRng()), a -> b.forward(a[0], a[1]), in[0], bias);
        }, x, b.w(), b.gamma(), b.beta());
    }

    @Test
    void theForwardPassKeepsNoGraphInsideTheFunction() {
        Block b = block(DType.F32, 1);
        Tensor x = Tensor.randn(new Rng(2), 2, 6).requiresGrad(true);
        Tensor y = Checkpoint.run("block", b.params(), List.of(b.dropoutRng()), in -> b.forward(in[0], in[1]), x, Tensor.zeros(6));
        assertEquals("block", y.gradFn().op, "one node for the whole function, whose inputs are x and the parameters");
        try (var ng = Autograd.noGrad()) {
            Tensor z = Checkpoint.run("block", b.params(), List.of(b.dropoutRng()), in -> b.forward(in[0], in[1]), x, Tensor.zeros(6));
            assertNull(z.gradFn(), "outside recording the function simply runs");
        }
    }

    @Test
    void theRecomputationIsNotCountedAsFlops() {
        long plain = flopsOfStep(false), checkpointed = flopsOfStep(true);
        assertEquals(plain, checkpointed, "model FLOPs: the repeated forward pass shows in the time, not in the count");
        assertTrue(plain > 0);
    }

    private static long flopsOfStep(boolean checkpointed) {
        Block b = block(DType.F32, 1);
        Tensor x = Tensor.randn(new Rng(2), 2, 6).requiresGrad(true);
        long before = Flops.total();
        Function<Tensor[], Tensor> f = in -> b.forward(in[0], in[1]);
        Tensor y = checkpointed ? Checkpoint.run("block", b.params(), List.of(b.dropoutRng()), f, x, Tensor.zeros(6)) : f.apply(new Tensor[] {x, Tensor.zeros(6)});
        y.sum().backward();
        return Flops.total() - before;
    }

    @Test
    void checkpointsNest() {
        Tensor w = Tensor.of(new double[] {0.5, -1, 2}, 3).requiresGrad(true);
        Tensor x = Tensor.of(new double[] {1, 2, 3}, 3).requiresGrad(true);
        Function<Tensor[], Tensor> inner = in -> in[0].mul(w).tanh();
        Tensor y = Checkpoint.run("outer", List.of(w), List.of(),
                in -> Checkpoint.run("inner", List.of(w), List.of(), inner, in[0].mul(w)).mul(w), x);
        y.sum().backward();
        double[] expectX = new double[3], expectW = new double[3], wv = w.toDoubleArray(), xv = x.toDoubleArray();
        for (int i = 0; i < 3; i++) {
            double u = xv[i] * wv[i] * wv[i], t = Math.tanh(u), dt = 1 - t * t; // y = tanh(x w^2) w
            expectX[i] = wv[i] * dt * wv[i] * wv[i];
            expectW[i] = t + wv[i] * dt * 2 * xv[i] * wv[i];
        }
        assertArrayEquals(expectX, x.grad().toDoubleArray(), 1e-12);
        assertArrayEquals(expectW, w.grad().toDoubleArray(), 1e-12);
    }

    @Test
    void aParameterNotPassedIsAnErrorNamingIt() {
        Tensor w = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true).named("hidden.weight");
        Tensor x = Tensor.of(new float[] {3, 4}, 2).requiresGrad(true);
        Tensor y = Checkpoint.run("layer", List.of(), List.of(), in -> in[0].mul(w), x);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.sum().backward());
        assertTrue(e.getMessage().contains("checkpoint 'layer'") && e.getMessage().contains("'hidden.weight'")
                && e.getMessage().contains("neither an input nor one of the parameters"), e.getMessage());
    }

    @Test
    void aTensorComputedOutsideMustBeAnInput() {
        Tensor w = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true);
        Tensor outside = w.exp(); // has a gradient path the checkpoint's node does not know about
        Tensor x = Tensor.of(new float[] {3, 4}, 2).requiresGrad(true);
        Tensor y = Checkpoint.run("layer", List.of(w), List.of(), in -> in[0].mul(outside), x);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.sum().backward());
        assertTrue(e.getMessage().contains("checkpoint 'layer'") && e.getMessage().contains("computed outside it (by 'exp')")
                && e.getMessage().contains("pass that tensor as an input"), e.getMessage());
    }

    @Test
    void aFunctionThatDrawsDifferentlyTheSecondTimeIsAnError() {
        Rng rng = new Rng(1);
        int[] calls = {0};
        Tensor x = Tensor.of(new float[] {3, 4}, 2).requiresGrad(true);
        Tensor y = Checkpoint.run("layer", List.of(), List.of(rng), in -> {
            for (int i = 0; i <= calls[0]; i++) rng.nextLong(); // one draw, then two
            calls[0]++;
            return in[0].mul(2);
        }, x);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.sum().backward());
        assertTrue(e.getMessage().contains("checkpoint 'layer'") && e.getMessage().contains("drew other random numbers"), e.getMessage());
    }

    @Test
    void aFunctionReturningItsInputStillRecordsItsOwnNode() {
        Tensor x = Tensor.of(new float[] {3, 4}, 2).requiresGrad(true);
        Tensor y = Checkpoint.run("identity", List.of(), List.of(), in -> in[0], x);
        assertNotSame(x, y);
        assertTrue(x.isLeaf(), "the input is not turned into the node's output");
        y.mul(3).sum().backward();
        assertArrayEquals(new float[] {3, 3}, x.grad().toFloatArray());
    }

    private static void assumeVector() {
        org.junit.jupiter.api.Assumptions.assumeTrue(VectorBackend.isAvailable(), "the Vector API module is not in this JVM");
    }
}
