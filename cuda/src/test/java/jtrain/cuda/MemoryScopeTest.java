package jtrain.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import jtrain.engine.Autograd;
import jtrain.engine.DType;
import jtrain.engine.Device;
import jtrain.engine.MemoryScope;
import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.engine.backend.Backends;
import jtrain.engine.optim.AdamW;
import jtrain.transformer.BertConfig;
import jtrain.transformer.BertForMaskedLM;

/**
 * MemoryScope on the CUDA backend (over the emulated GPU): the buffers a block of work created go back to the
 * allocator when it ends, kept ones stay, a given-back buffer cannot be used by mistake, and training steps in
 * scopes compute exactly what they compute without.
 */
class MemoryScopeTest {
    @Test
    void buffersCreatedInAScopeGoBackWhenItClosesExceptKeptOnes() {
        CudaBackend gpu = EmulatedGpu.backendOrSkip();
        try (Autograd.AutoCloseable0 on = Backends.useCuda(gpu)) {
            Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 4).to(gpu.device());
            Tensor y, kept;
            try (MemoryScope scope = MemoryScope.open(gpu.device())) {
                y = x.mul(x).add(1);
                kept = scope.keep(y.exp());
            }
            assertThrows(IllegalStateException.class, y::toFloatArray, "y's buffer went back to the allocator");
            assertEquals((float) Math.exp(2), kept.toFloatArray()[0], 1e-6f);
            assertArrayEquals(new float[] {1, 2, 3, 4}, x.toFloatArray(), "a tensor from before the scope is untouched");
        }
    }

    @Test
    void usingAGivenBackBufferIsAClearError() {
        CudaBackend gpu = EmulatedGpu.backendOrSkip();
        try (Autograd.AutoCloseable0 on = Backends.useCuda(gpu)) {
            Tensor escaped;
            try (MemoryScope scope = MemoryScope.open(gpu.device())) {
                escaped = Tensor.zeros(DType.F32, gpu.device(), 3);
            }
            IllegalStateException e = assertThrows(IllegalStateException.class, escaped::toFloatArray);
            assertTrue(e.getMessage().contains("F32 buffer of 3 elements") && e.getMessage().contains("MemoryScope.keep"), e.getMessage());
        }
    }

    @Test
    void keptBuffersPassToTheEnclosingScope() {
        CudaBackend gpu = EmulatedGpu.backendOrSkip();
        try (Autograd.AutoCloseable0 on = Backends.useCuda(gpu)) {
            Tensor inner;
            try (MemoryScope outer = MemoryScope.open(gpu.device())) {
                try (MemoryScope scope = MemoryScope.open(gpu.device())) {
                    inner = scope.keep(Tensor.zeros(DType.F32, gpu.device(), 3));
                }
                assertEquals(0f, inner.toFloatArray()[2], "kept by the inner scope");
            }
            assertThrows(IllegalStateException.class, inner::toFloatArray, "the outer scope gave it back, as it was not kept there");
        }
    }

    @Test
    void scopesCloseInReverseOrder() {
        CudaBackend gpu = EmulatedGpu.backendOrSkip();
        try (Autograd.AutoCloseable0 on = Backends.useCuda(gpu)) {
            MemoryScope outer = MemoryScope.open(gpu.device());
            MemoryScope inner = MemoryScope.open(gpu.device());
            IllegalStateException e = assertThrows(IllegalStateException.class, outer::close);
            assertTrue(e.getMessage().contains("reverse order"), e.getMessage());
            inner.close();
            outer.close(); // now in order
        }
    }

    /**
     * Training state lives on whatever scope creates it: a parameter moved to the device inside a scope, the gradient
     * of a parameter the optimizer does not update (frozen the torch way, by leaving it out), and the optimizer's
     * state. Only the step's intermediate values go back.
     */
    @Test
    void parametersGradientsAndOptimizerStateOutliveTheScopesThatCreateThem() {
        CudaBackend gpu = EmulatedGpu.backendOrSkip();
        try (Autograd.AutoCloseable0 on = Backends.useCuda(gpu)) {
            Tensor a = Tensor.of(new float[] {1, 2, 3}, 3).requiresGrad(true), b = Tensor.of(new float[] {4, 5, 6}, 3).requiresGrad(true);
            try (MemoryScope moving = MemoryScope.open(gpu.device())) {
                a.moveTo(gpu.device());
                b.moveTo(gpu.device());
            }
            AdamW opt = new AdamW(java.util.List.of(a), 0.1, 0.9, 0.999, 1e-8, 0);
            for (int step = 0; step < 3; step++) {
                try (MemoryScope scope = MemoryScope.open(gpu.device())) {
                    a.mul(b).sum().backward(); // b's gradient accumulates: nothing zeroes it
                    opt.step();
                    opt.zeroGrad();
                }
            }
            // b's gradient is a summed over the 3 steps; AdamW (lr 0.1) moved each element of a by about 0.1 per step.
            assertArrayEquals(new float[] {2.7f, 5.7f, 8.7f}, b.grad().toFloatArray(), 1e-4f);
            assertTrue(a.toFloatArray()[0] < 1, "a moved against its gradient");
            assertEquals(1, opt.exportState().keySet().stream().filter(k -> k.endsWith("exp_avg")).count());
        }
    }

    /**
     * One inner scope per micro-batch: a micro-batch reuses the previous one's blocks instead of allocating; the
     * gradients created in a step's micro-batches go back after zeroGrad, so once the cache holds a step's worth of
     * blocks, a step allocates (almost) nothing new. The run starts from an empty allocator, so the counts do not
     * depend on earlier tests' garbage or on when the collector ran.
     */
    @Test
    void aScopePerMicroBatchLetsTheNextMicroBatchReuseTheBlocks() {
        CudaBackend gpu = EmulatedGpu.backendOrSkip();
        try (Autograd.AutoCloseable0 on = Backends.useCuda(gpu)) {
            Device device = gpu.device();
            BertForMaskedLM m = new BertForMaskedLM(BertConfig.of(97, 1, 32, 2, 64), new Rng(1), new Rng(2));
            m.to(device);
            m.train(true);
            int[] ids = new int[2 * 8], labels = new int[2 * 8];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = 5 + i;
                labels[i] = i % 3 == 0 ? ids[i] : -100;
            }
            AdamW opt = new AdamW(m.parameters(), 1e-3, 0.9, 0.999, 1e-8, 0.01);
            startFromAnEmptyAllocator(gpu);
            int[] allocations = new int[9]; // three steps of three micro-batches
            for (int step = 0; step < 3; step++) {
                try (MemoryScope stepScope = MemoryScope.open(device)) {
                    for (int micro = 0; micro < 3; micro++) {
                        EmulatedGpu.get().resetCounts();
                        try (MemoryScope microScope = MemoryScope.open(device)) {
                            Tensor loss = m.fullLoss(Tensor.ofInts(ids, 2, 8).to(device), null, null, Tensor.ofInts(labels, 2, 8));
                            stepScope.keep(microScope.keep(loss)).backward();
                        }
                        if (micro == 2) {
                            opt.step();
                            opt.zeroGrad();
                        }
                        allocations[3 * step + micro] = EmulatedGpu.get().counts().getOrDefault("device allocation", 0);
                    }
                }
            }
            // The first micro-batch's gradients become the leaves' gradients themselves (kept for the step), so the
            // second micro-batch allocates its own gradients' blocks once (one per parameter); the third reuses the
            // second's. The first optimizer step takes cached blocks for AdamW's state, and the dropped gradients come
            // back as the step ends, so step 2 refills the cache; step 3 is the steady state. Without the inner
            // scope every block of a micro-batch would be new. A collection during the run can only return blocks
            // earlier: these bounds hold with none (-Xmn3g) and with many (-Xmn8m). Measured from an empty allocator:
            // [135, 27, 2, 26, 27, 1, 0, 2, 1].
            String seen = java.util.Arrays.toString(allocations);
            assertTrue(allocations[2] <= 4, "allocations per micro-batch: " + seen);
            for (int i = 6; i < 9; i++) assertTrue(allocations[i] <= 4, "allocations per micro-batch: " + seen);
        }
    }

    @Test
    void trainingStepsInScopesComputeTheSameAndStopAllocating() {
        CudaBackend gpu = EmulatedGpu.backendOrSkip();
        try (Autograd.AutoCloseable0 on = Backends.useCuda(gpu)) {
            List<Float> plain = train(gpu, false, null, false);
            startFromAnEmptyAllocator(gpu);
            int[] allocations = new int[4];
            List<Float> scoped = train(gpu, true, allocations, false);
            assertEquals(plain, scoped, "losses step by step");
            assertRefillsOnceThenStopsAllocating(allocations);
        }
    }

    /**
     * Activation checkpointing on the GPU: the layers' forward passes run again inside backward, within the step's
     * scope, so their buffers go back with the step's; the losses are those of plain steps, bit for bit (dropout on).
     */
    @Test
    void checkpointedStepsInScopesComputeTheSameAndStopAllocating() {
        CudaBackend gpu = EmulatedGpu.backendOrSkip();
        try (Autograd.AutoCloseable0 on = Backends.useCuda(gpu)) {
            List<Float> plain = train(gpu, false, null, false);
            startFromAnEmptyAllocator(gpu);
            int[] allocations = new int[4];
            List<Float> recomputed = train(gpu, true, allocations, true);
            assertEquals(plain, recomputed, "losses step by step");
            assertRefillsOnceThenStopsAllocating(allocations); // the recomputation's buffers come from the cache too
        }
    }

    /**
     * Step 1 allocates at most the few small blocks AdamW's state took from the cache when step 0 created it (the
     * scratch buffers of column sums and LayerNorm's backward had just gone back there: 2 with no collection during
     * the run); from step 2 on every buffer comes from the cache.
     */
    private static void assertRefillsOnceThenStopsAllocating(int[] allocations) {
        String seen = java.util.Arrays.toString(allocations);
        assertTrue(allocations[1] <= 4, "step 1 refills the cache once: " + seen);
        assertEquals(0, allocations[2] + allocations[3], "from step 2 on every buffer comes from the allocator's cache: " + seen);
    }

    /**
     * Earlier tests' and runs' garbage comes back only through cleaners, whenever a collection happens to run: let it
     * come back now, then free the cache, so that what a run allocates after this depends on the run alone.
     */
    static void startFromAnEmptyAllocator(CudaBackend gpu) {
        gpu.collectGarbageAndEmptyCache();
    }

    /**
     * Four AdamW steps of a tiny two-layer BERT on the device (checkpointed when recompute): the losses, and (when
     * given) the cuMemAlloc calls of each step.
     */
    private static List<Float> train(CudaBackend gpu, boolean scoped, int[] allocations, boolean recompute) {
        Device device = gpu.device();
        BertForMaskedLM m = new BertForMaskedLM(BertConfig.of(97, 2, 32, 2, 64), new Rng(1), new Rng(2));
        m.to(device);
        m.train(true);
        m.bert.setGradientCheckpointing(recompute);
        AdamW opt = new AdamW(m.parameters(), 1e-3, 0.9, 0.999, 1e-8, 0.01);
        int[] ids = new int[2 * 8], labels = new int[2 * 8];
        Rng r = new Rng(3);
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 5 + r.nextInt(90);
            labels[i] = i % 3 == 0 ? ids[i] : -100;
        }
        List<Float> losses = new ArrayList<>();
        for (int step = 0; step < 4; step++) {
            EmulatedGpu.get().resetCounts();
            Tensor loss;
            try (MemoryScope mem = scoped ? MemoryScope.open(device) : null) {
                loss = m.fullLoss(Tensor.ofInts(ids, 2, 8).to(device), null, null, Tensor.ofInts(labels, 2, 8));
                losses.add((float) loss.item());
                loss.backward();
                opt.step();
                opt.zeroGrad();
            }
            if (allocations != null) allocations[step] = EmulatedGpu.get().counts().getOrDefault("device allocation", 0);
            if (scoped) assertThrows(IllegalStateException.class, loss::item, "the step's loss buffer went back");
        }
        return losses;
    }
}
