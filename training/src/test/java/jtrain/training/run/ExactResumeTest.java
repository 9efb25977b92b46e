package jtrain.training.run;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import jtrain.engine.Autograd.AutoCloseable0;
import jtrain.engine.backend.Backends;
import jtrain.training.pretrain.PretrainConfig;

/**
 * The resume guarantee: on the CPU, a run interrupted after a checkpoint and resumed logs the same metrics (bit-identical
 * doubles) and ends with the same weights and optimizer state as a run that was never interrupted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExactResumeTest {
    static final PretrainConfig CONFIG = TinyRuns.config(12, 4, 10);

    /** The backend the runs compute on; ExactResumeVectorTest repeats everything with the vector backend. */
    String backendName() {
        return "reference";
    }

    Path runs;

    /** The uninterrupted run that every interrupted one is compared with. */
    Path whole;

    AutoCloseable0 backend;

    @BeforeAll
    void trainWithoutInterruption() throws IOException {
        runs = Files.createTempDirectory("exact-resume-" + backendName());
        backend = Backends.useCpu(Backends.byName(backendName()));
        whole = runs.resolve("whole");
        TinyRuns.train(whole, CONFIG, TinyRuns.fresh());
    }

    @AfterAll
    void restoreBackend() throws IOException {
        backend.close();
        try (var files = Files.walk(runs)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void aRunStoppedAfterAStepAndResumedMatchesAnUninterruptedOne() throws IOException {
        Path split = runs.resolve("split");

        TinyRuns.train(split, CONFIG, new PretrainRun.Invocation(false, 8, TinyRuns.quiet(), s -> {}));
        assertEquals(8, lastStep(split), "the first invocation stops after step 8");
        TinyRuns.train(split, CONFIG, TinyRuns.resume());

        assertEquals(metricsWithoutTime(whole), metricsWithoutTime(split));
        assertSameFinalCheckpoint(whole, split);
    }

    @Test
    void aRunThatCrashesAfterItsLastCheckpointRepeatsTheLostStepsExactly() throws IOException {
        Path crashed = runs.resolve("crashed-at-10");

        // Steps 9 and 10 are trained and logged, then the process dies before the step-12 checkpoint.
        var crashAt10 = new PretrainRun.Invocation(false, Integer.MAX_VALUE, TinyRuns.quiet(), s -> {
            if (s.step == 10) throw new IllegalStateException("simulated crash");
        });
        assertThrows(IllegalStateException.class, () -> TinyRuns.train(crashed, CONFIG, crashAt10));
        assertEquals(10, lastStep(crashed));

        TinyRuns.train(crashed, CONFIG, TinyRuns.resume());
        assertEquals(metricsWithoutTime(whole), metricsWithoutTime(crashed), "steps 9-10 are logged once, with the same values");
        assertSameFinalCheckpoint(whole, crashed);
    }

    @Test
    void aRunThatCrashesBeforeItsFirstCheckpointStartsOverFromTheSeed() throws IOException {
        Path crashed = runs.resolve("crashed-at-2");
        var crashAt2 = new PretrainRun.Invocation(false, Integer.MAX_VALUE, TinyRuns.quiet(), s -> {
            if (s.step == 2) throw new IllegalStateException("simulated crash");
        });
        assertThrows(IllegalStateException.class, () -> TinyRuns.train(crashed, CONFIG, crashAt2));

        TinyRuns.train(crashed, CONFIG, TinyRuns.resume());
        assertEquals(metricsWithoutTime(whole), metricsWithoutTime(crashed));
        assertSameFinalCheckpoint(whole, crashed);
    }

    /** metrics.jsonl lines without the wall-clock field, the only one allowed to differ. */
    static List<String> metricsWithoutTime(Path run) throws IOException {
        return Files.readAllLines(run.resolve(RunFolder.METRICS)).stream().map(l -> l.replaceAll(",\"seconds\":[^,}]*", "")).toList();
    }

    static int lastStep(Path run) throws IOException {
        List<String> lines = Files.readAllLines(run.resolve(RunFolder.METRICS));
        String last = lines.get(lines.size() - 1);
        return Integer.parseInt(last.replaceAll("^\\{\"step\":(\\d+).*", "$1"));
    }

    static void assertSameFinalCheckpoint(Path a, Path b) throws IOException {
        Path ca = a.resolve("checkpoints/step-12"), cb = b.resolve("checkpoints/step-12");
        for (String f : List.of("model.safetensors", Checkpointer.STATE_TENSORS)) {
            assertEquals(-1, Files.mismatch(ca.resolve(f), cb.resolve(f)), f + " differs");
        }
    }
}
