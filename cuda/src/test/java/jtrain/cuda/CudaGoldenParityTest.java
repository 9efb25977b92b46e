package jtrain.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import jtrain.engine.Autograd;
import jtrain.engine.backend.Backends;

/**
 * The HuggingFace golden batch with the model on the CUDA backend ({@link GoldenCheck}: forward, backward, gradient
 * clipping and five AdamW steps at the golden README's tolerances), on a real GPU and on the emulated one.
 */
class CudaGoldenParityTest {
    @Test
    void maskedLmMatchesHuggingFaceOnTheGpu() {
        Cuda.Status s = Cuda.tryInit();
        Assumptions.assumeTrue(s.available(), () -> "no GPU, CUDA golden test skipped: " + s.reason());
        check(s.backend());
    }

    @Test
    void maskedLmMatchesHuggingFaceOnTheEmulatedGpu() {
        CudaBackend gpu = EmulatedGpuTest.emulated();
        try (Autograd.AutoCloseable0 on = Backends.useCuda(gpu)) {
            check(gpu);
        }
    }

    private static void check(CudaBackend cuda) {
        for (OpChecks.Result r : GoldenCheck.run(cuda, goldenDir())) {
            assertTrue(r.passed(), r.name() + ": error/tolerance " + r.worst() + " " + r.note());
        }
    }

    private static Path goldenDir() {
        Path dir = goldenDirOrNull();
        if (dir == null) Assumptions.abort("skipped: ../shared/golden/hf-bert-tiny (HuggingFace reference outputs) is not present beside the project");
        return dir;
    }

    /** ../shared/golden/hf-bert-tiny/random-init beside the project (looked for from here upwards), or null. */
    static Path goldenDirOrNull() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolveSibling("shared").resolve("golden").resolve("hf-bert-tiny").resolve("random-init");
            if (Files.isDirectory(candidate)) return candidate;
        }
        return null;
    }
}
