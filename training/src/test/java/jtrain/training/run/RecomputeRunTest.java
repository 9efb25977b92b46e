package jtrain.training.run;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jtrain.training.pretrain.PretrainConfig;

/**
 * Pretraining with activation checkpointing (--recompute) is the same run as without it: the same metrics (only the
 * wall-clock "seconds" differs), and every checkpoint the same bytes (weights, optimizer state, trainer state with
 * its generators and FLOP count). A resumed run may switch it either way and still ends where the others do.
 */
class RecomputeRunTest {
    /** Two layers (so one checkpointed layer feeds another), dropout on; 12 steps, a checkpoint every 4. */
    static final PretrainConfig PLAIN = new PretrainConfig(List.of("synthetic"), null, 120, 1, "2,32,2,64", 32, 4, 2, 12, 3e-3, 2,
            "linear", 0.01, 1.0, false, 1, 4, 4, 10, 7, "cpu", null, null, false);
    static final PretrainConfig RECOMPUTE = PLAIN.withRecompute(true);

    @Test
    void aRunWithRecomputeWritesTheSameMetricsAndCheckpointsByteForByte(@TempDir Path tmp) throws IOException {
        Path plain = tmp.resolve("plain"), recompute = tmp.resolve("recompute");
        TinyRuns.train(plain, PLAIN, TinyRuns.fresh());
        TinyRuns.train(recompute, RECOMPUTE, TinyRuns.fresh());

        assertEquals(ExactResumeTest.metricsWithoutTime(plain), ExactResumeTest.metricsWithoutTime(recompute));
        for (int step : new int[] {4, 8, 12}) assertSameCheckpoint(plain, recompute, step);
        assertTrue(Files.readString(recompute.resolve(RunFolder.RUN_CONFIG)).contains("\"recompute\": true"), "the option is saved with the run");
    }

    @Test
    void aResumedRunMaySwitchRecomputeEitherWay(@TempDir Path tmp) throws IOException {
        Path plain = tmp.resolve("plain"), switched = tmp.resolve("switched");
        TinyRuns.train(plain, PLAIN, TinyRuns.fresh());
        TinyRuns.train(switched, RECOMPUTE, new PretrainRun.Invocation(false, 5, TinyRuns.quiet(), s -> {}));
        TinyRuns.train(switched, PLAIN, new PretrainRun.Invocation(true, 9, TinyRuns.quiet(), s -> {}));   // off
        TinyRuns.train(switched, RECOMPUTE, TinyRuns.resume());                                              // on again

        assertEquals(ExactResumeTest.metricsWithoutTime(plain), ExactResumeTest.metricsWithoutTime(switched));
        assertSameCheckpoint(plain, switched, 12);
    }

    static void assertSameCheckpoint(Path a, Path b, int step) throws IOException {
        Path ca = a.resolve("checkpoints/step-" + step), cb = b.resolve("checkpoints/step-" + step);
        try (var files = Files.list(ca)) {
            List<Path> names = files.map(ca::relativize).sorted().toList();
            assertTrue(names.contains(Path.of("model.safetensors")) && names.contains(Path.of(Checkpointer.STATE_TENSORS)), names.toString());
            for (Path f : names) {
                if (Files.isRegularFile(ca.resolve(f))) assertEquals(-1, Files.mismatch(ca.resolve(f), cb.resolve(f)), "step-" + step + "/" + f + " differs");
            }
        }
    }
}
