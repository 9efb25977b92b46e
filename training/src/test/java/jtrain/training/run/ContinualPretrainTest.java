package jtrain.training.run;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jtrain.engine.io.Folders;
import jtrain.engine.io.Json;
import jtrain.training.pretrain.MlmBatch;
import jtrain.training.pretrain.MlmEvaluator;
import jtrain.training.pretrain.PretrainConfig;
import jtrain.transformer.BertForMaskedLM;
import jtrain.transformer.HfCheckpoint;
import jtrain.transformer.StateDict;

/**
 * Continual pretraining (pretrain --init): a run that starts from an existing masked-LM folder, here a checkpoint of a
 * short run on the tiny corpus, and trains on text of another domain.
 */
class ContinualPretrainTest {
    @TempDir
    Path tmp;

    /** The folder every run here starts from: step-4 of a run on the tiny corpus. */
    Path init;

    @BeforeEach
    void pretrainTheInitModel() {
        TinyRuns.train(tmp.resolve("general"), TinyRuns.config(4, 4, 1), TinyRuns.fresh());
        init = tmp.resolve("general/checkpoints/step-4");
    }

    static PretrainConfig continual(Path init) {
        return TinyRuns.initConfig(init, 12, 4, 10);
    }

    static void train(Path run, PretrainConfig config, PretrainRun.Invocation inv) {
        PretrainRun.run(new RunFolder(run), config, TinyRuns.TOKENIZER, TinyRuns.OTHER_TRAIN, TinyRuns.OTHER_HELD_OUT, inv);
    }

    @Test
    void theRunStartsFromExactlyTheInitWeightsAndRecordsThem() throws IOException {
        Path run = tmp.resolve("continual");
        train(run, continual(init), TinyRuns.fresh());

        // Step 0's held-out loss is the init model's own, on the same masks: bit for bit, so the weights are the same.
        BertForMaskedLM initModel = HfCheckpoint.loadMaskedLM(init);
        var evaluator = new MlmEvaluator(TinyRuns.OTHER_HELD_OUT, MlmBatch.Vocab.of(TinyRuns.TOKENIZER), continual(init).masking(), 64, 7 + 2);
        Map<String, Object> step0 = metrics(run).getFirst();
        assertEquals(0, ((Number) step0.get("step")).intValue());
        assertEquals(evaluator.evaluate(initModel).loss(), ((Number) step0.get("eval_loss")).doubleValue());

        Map<String, Object> config = new RunFolder(run).readConfig();
        assertEquals(init.toAbsolutePath().toString(), config.get("init"));
        assertEquals(StateDict.sha256(initModel), config.get("init_sha256"));
        assertFalse(config.containsKey("model") || config.containsKey("vocab_size"), "the model's shape is the init folder's: " + config);
        assertEquals(HfCheckpoint.readConfig(init), HfCheckpoint.readConfig(run.resolve("checkpoints/step-12")), "the same architecture");
    }

    @Test
    void aShortRunLowersTheHeldOutLossOnTheNewText() throws IOException {
        Path run = tmp.resolve("continual");
        train(run, continual(init), TinyRuns.fresh());
        List<Double> evalLosses = metrics(run).stream().filter(m -> m.containsKey("eval_loss"))
                .map(m -> ((Number) m.get("eval_loss")).doubleValue()).toList();
        assertEquals(4, evalLosses.size(), "steps 0, 4, 8 and 12");
        assertTrue(evalLosses.getLast() < evalLosses.getFirst() - 0.2, "held-out loss from step 0 to 12: " + evalLosses);
    }

    @Test
    void aStoppedRunResumesExactlyWithoutTheInitFolder() throws IOException {
        Path whole = tmp.resolve("whole"), split = tmp.resolve("split");
        train(whole, continual(init), TinyRuns.fresh());
        train(split, continual(init), new PretrainRun.Invocation(false, 8, TinyRuns.quiet(), s -> {}));

        // The run's own checkpoints hold everything a resume needs.
        Path moved = Files.move(tmp.resolve("general"), tmp.resolve("general-moved"));
        train(split, continual(init), TinyRuns.resume());

        assertEquals(ExactResumeTest.metricsWithoutTime(whole), ExactResumeTest.metricsWithoutTime(split));
        ExactResumeTest.assertSameFinalCheckpoint(whole, split);
        assertNotNull(moved);
    }

    @Test
    void aRunKilledBeforeItsFirstCheckpointStartsAgainFromTheSameInitWeights() throws IOException {
        Path whole = tmp.resolve("whole"), crashed = tmp.resolve("crashed");
        train(whole, continual(init), TinyRuns.fresh());
        var crashAt2 = new PretrainRun.Invocation(false, Integer.MAX_VALUE, TinyRuns.quiet(), s -> {
            if (s.step == 2) throw new IllegalStateException("simulated crash");
        });
        assertThrows(IllegalStateException.class, () -> train(crashed, continual(init), crashAt2));

        train(crashed, continual(init), TinyRuns.resume());
        assertEquals(ExactResumeTest.metricsWithoutTime(whole), ExactResumeTest.metricsWithoutTime(crashed), "step 0 is logged once");
        ExactResumeTest.assertSameFinalCheckpoint(whole, crashed);
    }

    @Test
    void beforeTheFirstCheckpointAResumeRefusesInitWeightsThatChanged() throws IOException {
        Path crashed = tmp.resolve("crashed");
        var crashAt2 = new PretrainRun.Invocation(false, Integer.MAX_VALUE, TinyRuns.quiet(), s -> {
            if (s.step == 2) throw new IllegalStateException("simulated crash");
        });
        assertThrows(IllegalStateException.class, () -> train(crashed, continual(init), crashAt2));
        // The init folder now holds other weights: those of the general run's step 2.
        TinyRuns.train(tmp.resolve("other"), TinyRuns.config(2, 2, 1), TinyRuns.fresh());
        Files.copy(tmp.resolve("other/checkpoints/step-2").resolve(HfCheckpoint.WEIGHTS), init.resolve(HfCheckpoint.WEIGHTS),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        var e = assertThrows(IllegalArgumentException.class, () -> train(crashed, continual(init), TinyRuns.resume()));
        assertTrue(e.getMessage().startsWith("the run has no checkpoint yet, so it starts again from --init " + init.toAbsolutePath()
                + ", but its weights changed since the run started"), e.getMessage());
        Folders.deleteTree(init);
        var gone = assertThrows(java.io.UncheckedIOException.class, () -> train(crashed, continual(init), TinyRuns.resume()));
        assertTrue(gone.getMessage().contains(init.toAbsolutePath() + ": model folder not found"), gone.getMessage());
    }

    static List<Map<String, Object>> metrics(Path run) throws IOException {
        return Files.readAllLines(run.resolve(RunFolder.METRICS)).stream().map(l -> Json.parseObject(l, "metrics")).toList();
    }
}
