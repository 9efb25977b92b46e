package jtrain.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The backend's real driver path without a GPU: each test starts a JVM on the fake libcuda.so.1 and libcublas.so.13
 * ({@link FakeDriver}), so JCuda's natives, the PTX loading, cuLaunchKernel's argument marshalling, the pinned upload
 * ring and the Panama cuBLAS descriptors all run as on the GPU machine, while the kernels run on the emulator. The
 * fake driver refuses what the real one refuses (no current context on a thread, copies outside an allocation,
 * launch shapes beyond the hardware) and says so in a "[fake ...]" line, which no test may print.
 */
class FakeDriverTest {
    @Test
    void theGpuSelfTestPassesOnTheDriverPath() throws Exception {
        List<String> args = new ArrayList<>(List.of("--no-bert"));
        Path golden = CudaGoldenParityTest.goldenDirOrNull();
        if (golden != null) args.addAll(List.of("--golden", golden.toString()));
        FakeDriver.Run run = FakeDriver.java(Map.of(), 300, "jtrain.cuda.CudaSelfTest", args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("device: jtrain fake driver (CPU emulator), cuBLAS: libcublas.so.13"), run.output());
        assertTrue(run.output().matches("(?s).*\\n\\d+ checks, 0 failed.*"), run.output());
        if (golden != null) assertTrue(run.output().contains("golden: parameters after 5 AdamW steps"), run.output());
        assertFalse(run.output().contains("[fake"), run.output());
    }

    @Test
    void withNoDeviceTheSelfTestSaysWhyAndExits2() throws Exception {
        FakeDriver.Run run = FakeDriver.java(Map.of("JTRAIN_FAKE_CUDA_DEVICES", "0"), 60, "jtrain.cuda.CudaSelfTest");
        assertEquals(2, run.exitCode(), run.output());
        assertTrue(run.output().contains("CUDA unavailable: no CUDA device (cuInit: CUDA_ERROR_NO_DEVICE)"), run.output());
    }

    @Test
    void aThreadOtherThanTheStartingOneCanUseTheDevice() throws Exception {
        probe("second-thread", Map.of());
    }

    @Test
    void runningOutOfDeviceMemoryIsAnExceptionNamingTheBytes() throws Exception {
        probe("out-of-memory", Map.of("JTRAIN_FAKE_CUDA_MEMORY_MIB", "64"));
    }

    @Test
    void smallUploadsWrapThePinnedRingIntact() throws Exception {
        probe("staged-uploads", Map.of());
    }

    @Test
    void workQueuedBehindAHeldStreamIsTimedWithoutTheHold() throws Exception {
        probe("held-stream", Map.of());
    }

    @Test
    void hostOnlyModeRunsABertBaseStepWithoutComputingIt() throws Exception {
        // BERT-base at batch 16 would take hours on the emulator; with nothing computed, seconds: what remains of a
        // step's time is the host's own work (docs/cuda.md, "What a step costs the host").
        FakeDriver.Run run = FakeDriver.java(Map.of("JTRAIN_FAKE_CUDA_HOST_ONLY", "1", "JTRAIN_FAKE_CUDA_MEMORY_MIB", "65536"), 120,
                "jtrain.cuda.BertStepBench", "--model", "base", "--batch", "16", "--seq", "128", "--steps", "2", "--warmup", "1",
                "--modes", "fp32", "--peak-size", "64");
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("\"L\": 12, \"H\": 768, \"A\": 12, \"I\": 3072, \"V\": 30522, \"B\": 16, \"T\": 128"), run.output());
        assertTrue(run.output().contains("\"step_ms\""), run.output());
        assertFalse(run.output().contains("[fake"), run.output());
    }

    private static void probe(String name, Map<String, String> env) throws Exception {
        FakeDriver.Run run = FakeDriver.java(env, 120, "jtrain.cuda.FakeDriverProbe", name);
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("ok: "), run.output());
        assertFalse(run.output().contains("[fake"), run.output());
    }

}
