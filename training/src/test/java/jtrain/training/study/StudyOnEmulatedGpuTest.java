package jtrain.training.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jtrain.cuda.CudaBackend;
import jtrain.cuda.EmulatedGpu;
import jtrain.engine.Autograd;
import jtrain.engine.backend.Backends;

/**
 * The study on the CUDA backend (over the cuda module's emulated GPU): every phase (pretraining, tagging and
 * classification fine-tuning, the forgetting probes, continual pretraining) runs on the device, and the pretraining
 * curve, the test scores and the held-out MLM losses after fine-tuning follow the same study on the CPU.
 */
class StudyOnEmulatedGpuTest {
    @TempDir
    Path tmp;

    @Test
    @SuppressWarnings("unchecked")
    void theStudyOnTheGpuFollowsTheCpu() throws Exception {
        CudaBackend backend = EmulatedGpu.backendOrSkip();
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        Map<String, Object> cpu = new Study(StudyPipelineTest.tinyPreset(), tmp.resolve("cpu"), 1, quiet).run(StudyPipelineTest.tinyData());
        Map<String, Object> onGpu;
        try (Autograd.AutoCloseable0 on = Backends.useCuda(backend)) {
            onGpu = new Study(StudyPipelineTest.tinyPreset(), tmp.resolve("gpu"), 1, quiet).on(backend.device()).run(StudyPipelineTest.tinyData());
        }
        assertTrue(String.valueOf(onGpu.get("device")).startsWith("cuda:0 (cuda backend)"), String.valueOf(onGpu.get("device")));

        List<Object> cpuCurve = (List<Object>) ((Map<String, Object>) cpu.get("pretraining")).get("loss_curve");
        List<Object> gpuCurve = (List<Object>) ((Map<String, Object>) onGpu.get("pretraining")).get("loss_curve");
        assertEquals(cpuCurve.size(), gpuCurve.size());
        for (int i = 0; i < cpuCurve.size(); i++) {
            double c = ((Number) ((List<Object>) cpuCurve.get(i)).get(1)).doubleValue(), g = ((Number) ((List<Object>) gpuCurve.get(i)).get(1)).doubleValue();
            assertEquals(c, g, 2e-3 * c, "pretraining loss, point " + i);
        }
        List<Object> cpuRuns = (List<Object>) cpu.get("finetune"), gpuRuns = (List<Object>) onGpu.get("finetune");
        assertEquals(cpuRuns.size(), gpuRuns.size());
        for (int i = 0; i < cpuRuns.size(); i++) {
            Map<String, Object> c = (Map<String, Object>) cpuRuns.get(i), g = (Map<String, Object>) gpuRuns.get(i);
            assertEquals(c.get("task") + "/" + c.get("init"), g.get("task") + "/" + g.get("init"));
            String run = c.get("task") + " " + c.get("init") + " at budget " + c.get("budget");
            assertEquals(((Number) c.get("test_score")).doubleValue(), ((Number) g.get("test_score")).doubleValue(), 0.05, "test score of " + run);
            if (c.containsKey("mlm_after")) {
                double cl = ((Number) c.get("mlm_after")).doubleValue(), gl = ((Number) g.get("mlm_after")).doubleValue();
                assertEquals(cl, gl, 5e-3 * cl, "held-out MLM loss after fine-tuning " + run);
            }
        }
    }
}
