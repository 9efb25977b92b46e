package jtrain.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import jtrain.engine.Autograd;
import jtrain.engine.backend.Backends;
import jtrain.transformer.BertConfig;

/**
 * Without a GPU: the CUDA backend end to end (dispatch, launch shapes and arguments, the CUDA C kernels themselves,
 * the Gemm operand layouts) over {@link EmulatedGpu}, against the reference backend. The same checks as
 * {@link CudaOpsTest} on a real GPU. Skips with the reason where the emulator was not built (no nvcc or no g++).
 */
class EmulatedGpuTest {
    static CudaBackend emulated() {
        EmulatedGpu gpu = EmulatedGpu.get();
        Assumptions.assumeTrue(gpu != null, () -> "GPU emulator unavailable, skipped: " + EmulatedGpu.unavailableReason());
        return gpu.backend;
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
        CudaBackend gpu = emulated();
        return OpChecks.all().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            EmulatedGpu.get().reversed(true);
            try (Autograd.AutoCloseable0 on = Backends.useCuda(gpu)) {
                OpChecks.Result r = OpChecks.run(c, Backends.byName("reference"), gpu);
                assertTrue(r.passed(), r.name() + ": error/tolerance " + r.worst() + " " + r.note());
            } finally {
                EmulatedGpu.get().reversed(false);
            }
        }));
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
            // Odd sizes on purpose: 3 heads of 16, an intermediate width of 100, 2 sequences of 21 tokens.
            for (OpChecks.Result r : BertCheck.run(gpu, BertConfig.of(997, 2, 48, 3, 100), 2, 21)) {
                assertTrue(r.passed(), r.name() + ": error/tolerance " + r.worst() + " " + r.note());
            }
        }
    }

    @Test
    void theGpuStepBenchmarkRunsBothLossesAndModes() {
        CudaBackend gpu = emulated();
        var text = new java.io.ByteArrayOutputStream();
        try (Autograd.AutoCloseable0 on = Backends.useCuda(gpu)) {
            for (String loss : new String[] {"full", "sparse"}) {
                BertStepBench.run(new String[] {"--model", "1,32,2,64", "--vocab", "211", "--batch", "2", "--seq", "16", "--steps", "2",
                        "--warmup", "1", "--modes", "fp32,tf32", "--loss", loss}, new java.io.PrintStream(text, true, java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        var lines = text.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        assertTrue(lines.size() == 4 && lines.stream().allMatch(l -> l.startsWith("{\"jtrain\": \"cuda\"") && l.contains("\"tokens_per_s\": ")),
                String.join("\n", lines));
    }
}
