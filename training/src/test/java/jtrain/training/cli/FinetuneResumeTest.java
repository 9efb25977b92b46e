package jtrain.training.cli;

import static jtrain.training.cli.FinetuneCommandTest.assertError;
import static jtrain.training.cli.FinetuneCommandTest.finetune;
import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import jtrain.engine.Rng;
import jtrain.engine.io.Json;
import jtrain.training.SeaLand;
import jtrain.training.cli.FinetuneCommandTest.Result;
import jtrain.training.finetune.FineTuner;
import jtrain.training.tokenizer.TokenizerFiles;
import jtrain.training.tokenizer.WordPieceTrainer;

/**
 * The resume guarantee of fine-tuning: on the CPU, a run stopped (--stop-after) or crashed after a checkpoint and
 * continued with --resume ends with the same metrics.jsonl (bit-identical numbers; only "seconds" differs),
 * results.json and best model, byte for byte, as a run that was never interrupted. The runs are tiny: a one-layer
 * model from random weights (dropout on, so its rng must be restored too) told sea sentences from land sentences.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FinetuneResumeTest {
    /** Shared by the tests: the uninterrupted runs are trained once. */
    Path tmp;
    Path tokenizer;

    @BeforeAll
    void tokenizer(@TempDir Path dir) throws IOException {
        tmp = dir;
        tokenizer = seaLandTokenizer(tmp.resolve("tokenizer"));
    }

    /** The runs' tokenizer, saved in dir: an 80-token WordPiece vocabulary of sea and land sentences. */
    static Path seaLandTokenizer(Path dir) throws IOException {
        Rng r = new Rng(5);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 40; i++) texts.add(SeaLand.sentence(r::nextInt, i % 2 == 0 ? SeaLand.SEA : SeaLand.LAND));
        TokenizerFiles.save(new WordPieceTrainer().vocabSize(80).minFrequency(1).train(texts), dir);
        return dir;
    }

    /**
     * 24 steps of 8 examples, a dev evaluation and a checkpoint every 4, a metrics line every 10 (the default). The
     * dev accuracy reaches its best before the end (a tie is no improvement), so the best weights are not the last ones.
     */
    String[] run(Path out, String... extra) throws IOException {
        List<String> a = new ArrayList<>(List.of(FinetuneCommandTest.seqArgs(tmp, out, "--scratch", "--tokenizer", tokenizer.toString(),
                "--model", "1,32,2,64", "--steps", "24", "--eval-every", "4", "--save-every", "4", "--metric", "accuracy", "--lr", "1e-2",
                "--patience", "0")));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    Path whole(String name, String... extra) throws IOException {
        Path out = tmp.resolve(name);
        if (!Files.exists(out)) assertSucceeds(finetune(run(out, extra)));
        return out;
    }

    @Test
    void aRunStoppedAfterAStepAndResumedMatchesAnUninterruptedOne() throws IOException {
        Path whole = whole("whole"), split = tmp.resolve("split");
        Result first = finetune(run(split, "--stop-after", "6"));
        assertSucceeds(first);
        assertTrue(first.out().contains("stopped after step 6 of 24 (checkpoint " + split.resolve("checkpoints/step-6")
                + "); continue with: ./trainer finetune --out " + split + " --resume"), first.out());
        assertFalse(Files.exists(split.resolve("results.json")) || Files.exists(split.resolve("model")), "no results before the end");

        Result repeated = finetune("--out", split.toString(), "--resume", "--stop-after", "4"); // a job script run twice
        assertSucceeds(repeated);
        assertTrue(repeated.out().contains("--stop-after 4 is not after the checkpoint's step 6: nothing to train in this invocation"),
                repeated.out());

        Result resumed = finetune("--out", split.toString(), "--resume");
        assertSucceeds(resumed);
        assertTrue(resumed.out().contains("resuming from " + split.resolve("checkpoints/step-6") + " (step 6 of 24)"), resumed.out());
        assertSameRun(whole, split);
        int best = ((Number) results(whole).get("best_step")).intValue();
        assertTrue(best < 6, "the best weights (step " + best + ") reach the end through the step-6 checkpoint's copy of them");
    }

    @Test
    void aDeletedOrCutMetricsFileIsPutBackFromTheCheckpointWithANote() throws IOException {
        // Each checkpoint keeps a copy of metrics.jsonl as it was at its step: a resume repairs the run's file from it.
        Path whole = whole("whole"), split = tmp.resolve("metrics-deleted");
        assertSucceeds(finetune(run(split, "--stop-after", "8")));
        Path metrics = split.resolve("metrics.jsonl");
        Files.delete(metrics);
        Result resumed = finetune("--out", split.toString(), "--resume", "--stop-after", "16");
        assertSucceeds(resumed);
        assertTrue(resumed.out().contains("note: " + metrics + " was missing: its lines up to step 8 are put back from "
                + split.resolve("checkpoints/step-8/metrics.jsonl") + "; nothing is lost\n"), resumed.out());

        Files.write(metrics, Files.readAllLines(metrics).subList(0, 1));
        Result cut = finetune("--out", split.toString(), "--resume");
        assertSucceeds(cut);
        assertTrue(cut.out().contains("note: " + metrics + " no longer held its lines up to step 16 (cut short or edited): its lines up to "
                + "step 16 are put back from " + split.resolve("checkpoints/step-16/metrics.jsonl") + "; nothing is lost\n"), cut.out());
        assertSameRun(whole, split);
    }

    @Test
    void aRunThatCrashesAfterACheckpointRepeatsTheLostStepsExactly() throws IOException {
        Path whole = whole("whole"), crashed = tmp.resolve("crashed-at-10");
        // Step 10 is trained and its metrics line written, then the process dies before the step-12 checkpoint.
        FineTuner.StepHook crashAt10 = s -> {
            if (s.step() == 10) throw new IllegalStateException("simulated crash");
        };
        assertThrows(IllegalStateException.class, () -> finetuneWithHook(run(crashed), crashAt10));
        assertTrue(Files.readString(crashed.resolve("metrics.jsonl")).contains("{\"step\":10,"), "step 10 was logged");

        assertSucceeds(finetune("--out", crashed.toString(), "--resume"));
        assertSameRun(whole, crashed); // step 10's line once, with the same values
    }

    @Test
    void aRunThatCrashesBeforeItsFirstCheckpointStartsOverFromStepZero() throws IOException {
        Path whole = whole("whole"), crashed = tmp.resolve("crashed-at-2");
        assertThrows(IllegalStateException.class, () -> finetuneWithHook(run(crashed), s -> {
            if (s.step() == 2) throw new IllegalStateException("simulated crash");
        }));
        Result resumed = finetune("--out", crashed.toString(), "--resume");
        assertSucceeds(resumed);
        assertTrue(resumed.out().contains("no checkpoint yet in " + crashed.resolve("checkpoints") + ": starting again from step 0"),
                resumed.out());
        assertSameRun(whole, crashed);
    }

    @Test
    void aRunThatCrashesAfterTrainingEndedIsScoredAndSavedOnResume() throws IOException {
        Path whole = whole("whole"), crashed = tmp.resolve("crashed-at-24");
        // The last step's checkpoint is written, then the process dies before the test score, model/ and results.json.
        assertThrows(IllegalStateException.class, () -> finetuneWithHook(run(crashed), s -> {
            if (s.step() == 24) throw new IllegalStateException("simulated crash");
        }));
        assertFalse(Files.exists(crashed.resolve("results.json")));
        Result resumed = finetune("--out", crashed.toString(), "--resume");
        assertSucceeds(resumed);
        assertTrue(resumed.out().contains("(step 24 of 24: training is complete; the best model is scored and saved)"), resumed.out());
        assertSameRun(whole, crashed);
    }

    @Test
    void theAuxiliaryMlmLossAndGradientAccumulationResumeExactlyToo() throws IOException {
        String[] extra = {"--aux-mlm-weight", "0.5", "--grad-accum", "2"};
        Path whole = whole("whole-aux", extra), split = tmp.resolve("split-aux");
        assertSucceeds(finetune(run(split, concat(extra, "--stop-after", "9"))));
        assertSucceeds(finetune("--out", split.toString(), "--resume", "--stop-after", "17"));
        assertSucceeds(finetune("--out", split.toString(), "--resume"));
        assertSameRun(whole, split);
    }

    @Test
    void activationCheckpointingGivesTheSameRunAndAResumeMaySwitchIt() throws IOException {
        // The auxiliary MLM head shares the encoder, so its loss back-propagates through the checkpointed layers too.
        String[] extra = {"--aux-mlm-weight", "0.5", "--grad-accum", "2"};
        Path whole = whole("whole-aux", extra), recompute = whole("recompute-aux", concat(extra, "--recompute"));
        assertSameRun(whole, recompute);
        assertTrue(Files.readString(recompute.resolve("run_config.json")).contains("\"recompute\": true"), "saved with the run");

        Path split = tmp.resolve("split-recompute");
        Result first = finetune(run(split, concat(extra, "--recompute", "--stop-after", "9")));
        assertSucceeds(first);
        assertTrue(first.out().contains("; activation checkpointing (--recompute)"), first.out());
        Result off = finetune("--out", split.toString(), "--resume", "--no-recompute", "--stop-after", "17");
        assertSucceeds(off);
        assertFalse(off.out().contains("activation checkpointing"), off.out());
        Result kept = finetune("--out", split.toString(), "--resume");
        assertSucceeds(kept);
        assertTrue(kept.out().contains("; activation checkpointing (--recompute)"), "a resume keeps the saved option: " + kept.out());
        assertSameRun(whole, split);
    }

    @Test
    void anEarlyStopResumesToTheSameStepAndBestModel() throws IOException {
        String[] extra = {"--patience", "2"};
        Path whole = whole("whole-early", extra), split = tmp.resolve("split-early");
        assertEquals(Boolean.TRUE, results(whole).get("stopped_early"), "dev accuracy stops improving: " + results(whole));
        assertSucceeds(finetune(run(split, concat(extra, "--stop-after", "9"))));
        assertSucceeds(finetune("--out", split.toString(), "--resume"));
        assertSameRun(whole, split);
    }

    @Test
    void aResumedRunKeepsItsOptionsAndAFinishedOneIsLeftAlone() throws IOException {
        Path out = tmp.resolve("options");
        assertSucceeds(finetune(run(out, "--stop-after", "4")));

        assertError(finetune("--out", out.toString(), "--resume", "--lr", "0.1"),
                "--lr 0.1 differs from the run's 0.01 (" + out.resolve("run_config.json") + "); a resumed run keeps its options");
        assertError(finetune("--out", out.toString(), "--resume", "--train", tmp.resolve("dev.jsonl").toString()),
                "--train " + tmp.resolve("dev.jsonl") + " differs from the run's " + tmp.resolve("train.jsonl"));
        assertError(finetune("--out", out.toString(), "--resume", "--dropout", "0.2"), "--dropout 0.2 differs from the run's default");
        assertError(finetune(run(out)), "--out " + out + " already holds an unfinished fine-tuning run: add --resume to continue it");

        // Options that do not change what is trained may differ; those given again with the same value are accepted.
        assertSucceeds(finetune("--out", out.toString(), "--resume", "--keep", "1", "--save-every", "8", "--device", "cpu", "--lr", "1e-2"));
        try (var checkpoints = Files.list(out.resolve("checkpoints"))) {
            assertEquals(List.of("latest", "step-24"), checkpoints.map(p -> p.getFileName().toString()).sorted().toList());
        }

        String metrics = Files.readString(out.resolve("metrics.jsonl")), results = Files.readString(out.resolve("results.json"));
        Result again = finetune("--out", out.toString(), "--resume");
        assertSucceeds(again);
        assertTrue(again.out().contains(out + ": the run is complete (results.json is written), nothing is left to train; its best model is "
                + out.resolve("model")), again.out());
        assertEquals(metrics, Files.readString(out.resolve("metrics.jsonl")), "nothing logged again");
        assertEquals(results, Files.readString(out.resolve("results.json")));
        assertError(finetune(run(out)), "--out " + out + " already holds a finished fine-tuning run");
    }

    @Test
    void resumingAFolderWithoutARunSaysSo() throws IOException {
        Path empty = tmp.resolve("no-run");
        assertError(finetune("--out", empty.toString(), "--resume"), empty + " holds no run to resume (no run_config.json)");
        assertFalse(Files.exists(empty), "nothing was created");
        Path pretraining = Files.createDirectories(tmp.resolve("pretraining-run"));
        Files.writeString(pretraining.resolve("run_config.json"), "{\"data\": [\"default\"]}");
        assertError(finetune("--out", pretraining.toString(), "--resume"), pretraining + " holds no fine-tuning run to resume");
    }

    @Test
    void helpDescribesResuming() {
        Result r = finetune("--help");
        assertSucceeds(r);
        for (String option : List.of("--resume", "--stop-after N", "--save-every 200", "--keep 3"))
            assertTrue(r.out().contains(option), option + " in " + r.out());
    }

    static void assertSucceeds(Result r) {
        assertEquals(0, r.code(), r.err());
    }

    static void finetuneWithHook(String[] args, FineTuner.StepHook hook) throws IOException {
        var quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        FinetuneCommand.finetune(new ArgList(args, FinetuneCommand.VALUED, FinetuneCommand.SWITCHES), quiet, quiet, hook);
    }

    static void assertSameRun(Path a, Path b) throws IOException {
        assertEquals(metricsWithoutTime(a), metricsWithoutTime(b));
        assertEquals(Files.readString(a.resolve("results.json")), Files.readString(b.resolve("results.json")));
        assertEquals(-1, Files.mismatch(a.resolve("model/model.safetensors"), b.resolve("model/model.safetensors")), "best weights differ");
    }

    /** metrics.jsonl lines without the wall-clock field, the only one allowed to differ. */
    static List<String> metricsWithoutTime(Path run) throws IOException {
        return Files.readAllLines(run.resolve("metrics.jsonl")).stream().map(l -> l.replaceAll(",\"seconds\":[^,}]*", "")).toList();
    }

    static Map<String, Object> results(Path run) throws IOException {
        return Json.parseObject(Files.readString(run.resolve("results.json")), "results.json");
    }

    static String[] concat(String[] a, String... b) {
        List<String> all = new ArrayList<>(List.of(a));
        all.addAll(List.of(b));
        return all.toArray(String[]::new);
    }
}
