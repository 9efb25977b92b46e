package jtrain.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import jtrain.engine.Autograd;
import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.engine.optim.AdamW;
import jtrain.transformer.BertForMaskedLM;
import jtrain.engine.backend.Backends;
import jtrain.transformer.Activation;
import jtrain.transformer.BertConfig;

/**
 * Without a GPU: the CUDA backend end to end (dispatch, launch shapes and arguments, the CUDA C kernels themselves,
 * the Gemm operand layouts) over {@link EmulatedGpu}, against the reference backend. The same checks as
 * {@link CudaOpsTest} on a real GPU. Skips with the reason where the emulator was not built (no nvcc or no g++).
 */
class EmulatedGpuTest {
    static CudaBackend emulated() {
        return EmulatedGpu.backendOrSkip();
    }

    @TestFactory
    Stream<DynamicTest> eachKernelMatchesTheReference() {
        CudaBackend gpu = emulated();
        return OpChecks.all().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            try (Autograd.AutoCloseable0 on = Backends.useCuda(gpu)) {
                OpChecks.Result r = OpChecks.run(c, Backends.byName("reference"), gpu);
                assertTrue(r.passed(), r.name() + ": error/tolerance " + r.worst() + " " + r.note());
            }
        }));
    }

    /** The same checks with blocks and threads run in descending order: no kernel result depends on the order. */
    @TestFactory
    Stream<DynamicTest> eachKernelMatchesTheReferenceInReverseOrder() {
        return everyCheckWith(on -> EmulatedGpu.get().reversed(on));
    }

    /**
     * The same checks with every buffer exactly its size between poisoned red zones (EmulatedGpu.guarded): no kernel
     * or product reads or writes past either end of a tensor or scratch buffer at these odd sizes and offsets.
     */
    @TestFactory
    Stream<DynamicTest> eachKernelStaysInsideItsBuffers() {
        return everyCheckWith(on -> EmulatedGpu.get().guarded(on));
    }

    /** Every OpChecks check against the reference backend, with an emulator mode switched on around each. */
    private static Stream<DynamicTest> everyCheckWith(java.util.function.Consumer<Boolean> mode) {
        CudaBackend gpu = emulated();
        return OpChecks.all().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            mode.accept(true);
            try (Autograd.AutoCloseable0 on = Backends.useCuda(gpu)) {
                OpChecks.Result r = OpChecks.run(c, Backends.byName("reference"), gpu);
                assertTrue(r.passed(), r.name() + ": error/tolerance " + r.worst() + " " + r.note());
            } finally {
                mode.accept(false);
            }
        }));
    }

    /** What the guarded memory above catches: a launch one element too long, writing and then reading. */
    @Test
    void guardedMemoryCatchesAnElementPastTheEnd() {
        CudaBackend gpu = emulated();
        EmulatedGpu emu = EmulatedGpu.get();
        emu.guarded(true);
        CudaStorage ones = (CudaStorage) gpu.allocate(jtrain.engine.DType.F32, 37), sum = (CudaStorage) gpu.allocate(jtrain.engine.DType.F32, 1);
        try {
            emu.driver.launch("fill_f32", 1, 64, 37, ones.address(), 1f, contiguous(37));
            emu.driver.launch("sum_dense_f32", 1, 32, 37, ones.address(), sum.address());
            assertEquals(37f, gpu.toHost(sum).f32[0]);
            // Reading one element too many reads the red zone: NaN, where a cached bucket's tail could hold anything.
            emu.driver.launch("sum_dense_f32", 1, 32, 38, ones.address(), sum.address());
            assertTrue(Float.isNaN(gpu.toHost(sum).f32[0]));
            CudaException e = assertThrows(CudaException.class, () -> emu.driver.launch("fill_f32", 1, 64, 38, ones.address(), 1f, contiguous(38)));
            assertEquals("fill_f32 wrote outside its buffer: byte 0 past the end of a 148-byte block (guarded emulator memory)", e.getMessage());
            // Reported once: the next launch is judged on its own.
            emu.driver.launch("fill_f32", 1, 64, 37, ones.address(), 2f, contiguous(37));
        } finally {
            emu.guarded(false);
            ones.release();
            sum.release();
        }
    }

    /** A Layout (common.cuh) of n contiguous elements from offset 0. */
    private static int[] contiguous(int n) {
        int[] layout = new int[Layouts.LAYOUT_INTS];
        layout[0] = 1;
        layout[1] = n;
        layout[1 + Layouts.MAX_RANK] = 1;
        return layout;
    }

    @Test
    void badIdsSurfaceAtTheNextRead() {
        CudaBackend gpu = emulated();
        try (Autograd.AutoCloseable0 on = Backends.useCuda(gpu)) {
            OpChecks.Result r = OpChecks.badIdIsReported(gpu);
            assertTrue(r.passed(), r.note());
        }
    }

    @Test
    void smallBertForwardAndBackwardMatchTheCpu() {
        CudaBackend gpu = emulated();
        try (Autograd.AutoCloseable0 on = Backends.useCuda(gpu)) {
            // Odd sizes on purpose: 3 heads of 12, an intermediate width of 100, 3 sequences of 21 tokens.
            for (OpChecks.Result r : BertCheck.oddSized(gpu)) {
                assertTrue(r.passed(), r.name() + ": error/tolerance " + r.worst() + " " + r.note());
            }
        }
    }

    @Test
    void smallBertWithTheOtherActivationsMatchesTheCpu() {
        // hidden_act values other than "gelu": the fused tanh GELU and swish kernels (activations.cu), relu and tanh.
        CudaBackend gpu = emulated();
        try (Autograd.AutoCloseable0 on = Backends.useCuda(gpu)) {
            for (Activation act : List.of(Activation.GELU_NEW, Activation.GELU_FAST, Activation.QUICK_GELU, Activation.RELU, Activation.SILU,
                    Activation.TANH)) {
                for (OpChecks.Result r : BertCheck.run(gpu, BertConfig.of(97, 1, 24, 2, 40).withHiddenAct(act), 2, 9)) {
                    assertTrue(r.passed(), act.hfName() + ": " + r.name() + ": error/tolerance " + r.worst() + " " + r.note());
                }
            }
        }
    }

    /**
     * The "no host synchronisation inside a training step": forward, backward and AdamW only enqueue work
     * (no device-to-host copy until the loss is read), and every step launches the same kernels.
     */
    @Test
    void aTrainingStepNeverWaitsForTheGpu() {
        EmulatedGpu emulator = EmulatedGpu.get();
        CudaBackend gpu = emulated();
        try (Autograd.AutoCloseable0 on = Backends.useCuda(gpu)) {
            BertForMaskedLM model = new BertForMaskedLM(BertConfig.of(211, 2, 32, 2, 64), new Rng(0), new Rng(1));
            model.to(gpu.device());
            model.train(true);
            AdamW opt = new AdamW(model.parameters(), 1e-3, 0.9, 0.999, 1e-8, 0.01);
            Rng rng = new Rng(2);
            int[] ids = new int[2 * 16], labels = new int[2 * 16];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = 5 + rng.nextInt(200);
                labels[i] = i % 5 == 0 ? ids[i] : -100;
            }
            Tensor input = Tensor.ofInts(ids, 2, 16).to(gpu.device()), target = Tensor.ofInts(labels, 2, 16); // labels stay on the host
            java.util.List<java.util.Map<String, Integer>> steps = new java.util.ArrayList<>();
            for (int step = 0; step < 3; step++) {
                emulator.resetCounts();
                Tensor loss = model.fullLoss(input, null, null, target);
                loss.backward();
                opt.step();
                opt.zeroGrad();
                java.util.Map<String, Integer> counts = emulator.counts();
                counts.remove("device allocation"); // depends on when the collector ran (MemoryScopeTest covers it)
                steps.add(counts);
                assertTrue(Double.isFinite(loss.item()), "the loss is read after the step");
            }
            assertTrue(!steps.get(0).containsKey("copy to host"), "no device-to-host copy inside a step: " + steps.get(0));
            assertTrue(steps.get(1).equals(steps.get(0)) && steps.get(2).equals(steps.get(0)), "the same launches every step: " + steps);
        }
    }

    @Test
    void thePrimitiveBenchmarkTimesEveryPrimitive() {
        CudaBackend gpu = emulated();
        var text = new java.io.ByteArrayOutputStream();
        try (Autograd.AutoCloseable0 on = Backends.useCuda(gpu)) {
            GpuPrimitiveBench.run(new String[] {"--tokens", "64", "--seq", "16", "--hidden", "32", "--ffn", "64", "--heads", "2",
                    "--vocab", "101", "--params", "1000", "--reps", "1", "--warmup", "1"}, gpu, new java.io.PrintStream(text, true, java.nio.charset.StandardCharsets.UTF_8));
        }
        assertTrue(!gpu.tf32() && !gpu.bf16(), "the benchmark gives the backend back in FP32, as it found it");
        var rows = text.toString(java.nio.charset.StandardCharsets.UTF_8).lines().skip(1).toList();
        assertTrue(rows.size() == 24 && rows.stream().allMatch(r -> r.matches(".*\\s\\d+\\.\\d\\s+\\d+\\.\\d\\s+(\\d+|-)\\s+(\\d+\\.\\d|-)$")), String.join("\n", rows));
    }

    /**
     * --precision bf16 end to end: the same three AdamW steps from the same weights in FP32 and in BF16 mode. The
     * rounded products move every loss a little (so BF16 was used) and no more than rounding can (so nothing broke).
     */
    @Test
    void bf16ProductsTrainABertLikeFp32UpToRounding() {
        CudaBackend gpu = emulated();
        try (Autograd.AutoCloseable0 on = Backends.useCuda(gpu)) {
            double[] fp32 = threeSteps(gpu, false), bf16 = threeSteps(gpu, true);
            for (int i = 0; i < 3; i++) {
                double gap = Math.abs(bf16[i] - fp32[i]) / fp32[i];
                assertTrue(gap > 0 && gap < 1e-2, "step " + (i + 1) + ": fp32 " + fp32[i] + ", bf16 " + bf16[i]);
            }
            assertTrue(bf16[2] < bf16[0], "BF16 training lowers the loss: " + java.util.Arrays.toString(bf16));
        }
    }

    private static double[] threeSteps(CudaBackend gpu, boolean bf16) {
        BertForMaskedLM model = new BertForMaskedLM(BertConfig.of(211, 2, 32, 2, 64), new Rng(0), new Rng(1));
        model.to(gpu.device());
        model.train(false); // no dropout: the two runs differ only in the products
        AdamW opt = new AdamW(model.parameters(), 3e-3, 0.9, 0.999, 1e-8, 0.01);
        int[] ids = new int[2 * 16], labels = new int[2 * 16];
        Rng rng = new Rng(2);
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 5 + rng.nextInt(200);
            labels[i] = i % 3 == 0 ? ids[i] : -100;
        }
        Tensor input = Tensor.ofInts(ids, 2, 16).to(gpu.device()), target = Tensor.ofInts(labels, 2, 16);
        double[] losses = new double[3];
        gpu.setBf16(bf16);
        try {
            for (int step = 0; step < 3; step++) {
                Tensor loss = model.fullLoss(input, null, null, target);
                loss.backward();
                opt.step();
                opt.zeroGrad();
                losses[step] = loss.item();
            }
        } finally {
            gpu.setBf16(false);
        }
        return losses;
    }

    @Test
    void theGpuStepBenchmarkRunsBothLossesAndModes() {
        CudaBackend gpu = emulated();
        var text = new java.io.ByteArrayOutputStream();
        try (Autograd.AutoCloseable0 on = Backends.useCuda(gpu)) {
            for (String loss : new String[] {"full", "sparse"}) {
                BertStepBench.run(new String[] {"--model", "1,32,2,64", "--vocab", "211", "--batch", "2", "--seq", "16", "--steps", "2",
                        "--warmup", "1", "--modes", "fp32,tf32,bf16", "--loss", loss, "--peak-size", "48"}, new java.io.PrintStream(text, true, java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        assertTrue(!gpu.tf32() && !gpu.bf16(), "the benchmark gives the backend back in FP32, as it found it");
        var lines = text.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        assertTrue(lines.size() == 6 && lines.stream().allMatch(l -> l.startsWith("{\"jtrain\": \"cuda\"") && l.contains("\"tokens_per_s\": ") && l.contains("\"mfu\": ")),
                String.join("\n", lines));
    }
}
