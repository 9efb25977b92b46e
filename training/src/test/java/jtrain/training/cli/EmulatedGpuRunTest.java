package jtrain.training.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jtrain.cuda.CudaBackend;
import jtrain.cuda.EmulatedGpu;
import jtrain.engine.Autograd;
import jtrain.engine.backend.Backends;
import jtrain.engine.io.Json;
import jtrain.training.run.Checkpointer;

/**
 * The command line with {@code --device cuda}, run over the cuda module's emulated GPU (the real CudaBackend and
 * CUDA C kernels, compiled for the CPU): pretraining follows the CPU run step for step, checkpoints written from
 * device memory verify and resume, and fine-tuning from them works. Skips where the emulator was not built.
 */
class EmulatedGpuRunTest {
    @TempDir
    Path tmp;

    static CudaBackend emulated() {
        return EmulatedGpu.backendOrSkip();
    }

    String[] tinyRun(Path corpus, Path run, String device, String... extra) {
        List<String> a = new ArrayList<>(List.of("--data", corpus.toString(), "--model", "1,32,2,64", "--max-len", "32",
                "--batch", "4", "--steps", "6", "--vocab-size", "150", "--min-frequency", "1", "--eval-every", "3",
                "--save-every", "3", "--log-every", "1", "--device", device, "--out", run.toString()));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    /** The training loss of each step, from a run's metrics.jsonl. */
    static List<Double> trainLosses(Path run) throws IOException {
        List<Double> losses = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            Map<String, Object> m = Json.parseObject(line, "metrics.jsonl");
            if (m.containsKey("step") && m.containsKey("loss")) losses.add(((Number) m.get("loss")).doubleValue());
        }
        return losses;
    }

    @Test
    void pretrainingOnTheGpuFollowsTheCpuRunAndResumes() throws IOException {
        CudaBackend gpu = emulated();
        Path corpus = PretrainCommandTest.corpus(tmp);
        Path cpuRun = tmp.resolve("cpu"), gpuRun = tmp.resolve("gpu"), resumedRun = tmp.resolve("resumed");
        assertEquals(0, PretrainCommandTest.pretrain(tinyRun(corpus, cpuRun, "cpu")).code());
        try (Autograd.AutoCloseable0 on = Backends.useCuda(gpu)) {
            var r = PretrainCommandTest.pretrain(tinyRun(corpus, gpuRun, "cuda"));
            assertEquals(0, r.code(), r.err());
            var stopped = PretrainCommandTest.pretrain(tinyRun(corpus, resumedRun, "cuda", "--stop-after", "3"));
            assertEquals(0, stopped.code(), stopped.err());
            var resumed = PretrainCommandTest.pretrain("--out", resumedRun.toString(), "--resume");
            assertEquals(0, resumed.code(), resumed.err());
        }
        List<Double> cpu = trainLosses(cpuRun), onGpu = trainLosses(gpuRun), resumed = trainLosses(resumedRun);
        assertEquals(6, onGpu.size(), "a loss per step");
        for (int i = 0; i < cpu.size(); i++) {
            assertEquals(cpu.get(i), onGpu.get(i), 1e-3 * cpu.get(i), "step " + (i + 1) + ": the GPU run follows the CPU run");
            assertEquals(onGpu.get(i), resumed.get(i), 1e-5 * onGpu.get(i), "step " + (i + 1) + ": the resumed GPU run repeats the uninterrupted one");
        }
        Checkpointer.verify(gpuRun.resolve("checkpoints/step-6"));
    }

    /**
     * On the GPU the losses are read only for metrics lines and checkpoints: a checkpoint in the middle of a metrics
     * window (step 3 of lines every 2) must still carry that window's losses, so the resumed run's metrics equal the
     * uninterrupted run's. Two micro-batches per step and clipping too.
     */
    @Test
    void aCheckpointInsideAMetricsWindowResumesExactlyOnTheGpu() throws IOException {
        CudaBackend gpu = emulated();
        Path corpus = PretrainCommandTest.corpus(tmp);
        Path whole = tmp.resolve("whole"), resumed = tmp.resolve("resumed");
        String[] window = {"--log-every", "2", "--grad-accum", "2", "--clip", "0.5"};
        try (Autograd.AutoCloseable0 on = Backends.useCuda(gpu)) {
            assertEquals(0, PretrainCommandTest.pretrain(tinyRun(corpus, whole, "cuda", window)).code());
            String[] stopped = java.util.stream.Stream.concat(java.util.Arrays.stream(window), java.util.stream.Stream.of("--stop-after", "3"))
                    .toArray(String[]::new);
            assertEquals(0, PretrainCommandTest.pretrain(tinyRun(corpus, resumed, "cuda", stopped)).code());
            var r = PretrainCommandTest.pretrain("--out", resumed.toString(), "--resume");
            assertEquals(0, r.code(), r.err());
        }
        List<Double> a = trainLosses(whole), b = trainLosses(resumed);
        assertEquals(3, a.size(), "metrics lines at steps 2, 4 and 6");
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i), b.get(i), 1e-5 * a.get(i), "metrics line " + (i + 1) + " (the one at step 4 spans the checkpoint)");
        }
    }

    @Test
    void fineTuningOnTheGpuFromAGpuCheckpointFollowsTheCpu() throws IOException {
        CudaBackend gpu = emulated();
        Path corpus = PretrainCommandTest.corpus(tmp);
        Path run = tmp.resolve("pretrain"), onGpu = tmp.resolve("seq-gpu"), onCpu = tmp.resolve("seq-cpu");
        String init = run.resolve("checkpoints/step-6").toString();
        try (Autograd.AutoCloseable0 on = Backends.useCuda(gpu)) {
            assertEquals(0, PretrainCommandTest.pretrain(tinyRun(corpus, run, "cuda")).code());
            var r = FinetuneCommandTest.finetune(concat(fineTuneArgs(onGpu, init, "cuda"), "--precision", "tf32"));
            assertEquals(0, r.code(), r.err());
            assertTrue(gpu.tf32(), "--precision tf32 turned TF32 on (the emulator computes in full precision either way)");
        }
        var r = FinetuneCommandTest.finetune(fineTuneArgs(onCpu, init, "cpu"));
        assertEquals(0, r.code(), r.err());
        Map<String, Object> gpuResults = results(onGpu), cpuResults = results(onCpu);
        assertEquals(32, ((Number) gpuResults.get("test_scored")).intValue(), "scored on the whole test split: " + gpuResults);
        double cpuLoss = ((Number) cpuResults.get("test_loss")).doubleValue(), gpuLoss = ((Number) gpuResults.get("test_loss")).doubleValue();
        assertEquals(cpuLoss, gpuLoss, 1e-3 * cpuLoss, "the GPU fine-tuning (with auxiliary MLM) follows the CPU one");
        String[] evalArgs = {"--model", onGpu.resolve("model").toString(), "--task", "seq", "--test", tmp.resolve("test.jsonl").toString(), "--json"};
        var e = FinetuneCommandTest.eval(concat(evalArgs, "--device", "cpu"));
        assertEquals(0, e.code(), e.err());
        Map<String, Object> cpuEval = Json.parseObject(e.out().trim(), "eval --device cpu"), gpuEval, bf16Eval;
        try (Autograd.AutoCloseable0 on = Backends.useCuda(gpu)) {
            var b = FinetuneCommandTest.eval(concat(evalArgs, "--device", "cuda", "--precision", "bf16"));
            assertEquals(0, b.code(), b.err());
            assertTrue(gpu.bf16(), "--precision bf16 turned BF16 products on");
            bf16Eval = Json.parseObject(b.out().trim(), "eval --device cuda --precision bf16");
            EmulatedGpu.get().resetCounts();
            var g = FinetuneCommandTest.eval(concat(evalArgs, "--device", "cuda"));
            assertEquals(0, g.code(), g.err());
            gpuEval = Json.parseObject(g.out().trim(), "eval --device cuda");
            assertFalse(gpu.tf32() || gpu.bf16(), "eval's default precision, fp32, turned TF32 and BF16 off again");
            assertTrue(EmulatedGpu.get().counts().getOrDefault("sgemm", 0) > 0, "eval --device cuda ran on the GPU: " + EmulatedGpu.get().counts());
        }
        assertEquals(cpuEval.get("accuracy"), gpuEval.get("accuracy"), "eval on the GPU scores like the CPU");
        double cpuEvalLoss = ((Number) cpuEval.get("loss")).doubleValue(), bf16Loss = ((Number) bf16Eval.get("loss")).doubleValue();
        assertEquals(cpuEvalLoss, ((Number) gpuEval.get("loss")).doubleValue(), 1e-4 * cpuEvalLoss);
        assertTrue(bf16Loss != cpuEvalLoss && Math.abs(bf16Loss - cpuEvalLoss) < 2e-2 * cpuEvalLoss,
                "BF16 products move the loss by rounding only: " + bf16Loss + " vs " + cpuEvalLoss);
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    String[] fineTuneArgs(Path out, String init, String device) throws IOException {
        return FinetuneCommandTest.seqArgs(tmp, out, "--init", init, "--steps", "8", "--eval-every", "4", "--aux-mlm-weight", "0.5",
                "--device", device);
    }

    static Map<String, Object> results(Path out) throws IOException {
        return Json.parseObject(Files.readString(out.resolve("results.json")), "results.json");
    }
}
