package jtrain.training.cli;

import static jtrain.training.cli.FinetuneCommandTest.assertError;
import static jtrain.training.cli.FinetuneCommandTest.finetune;
import static jtrain.training.cli.FinetuneResumeTest.assertSameRun;
import static jtrain.training.cli.FinetuneResumeTest.assertSucceeds;
import static jtrain.training.cli.FinetuneResumeTest.results;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import jtrain.engine.io.Json;
import jtrain.engine.optim.LrSchedule;
import jtrain.training.cli.FinetuneCommandTest.Result;

/**
 * `finetune --resume` with more --steps or --epochs extends a run, finished or not: the learning rate follows the
 * schedule of the new length from the latest checkpoint on (the warm-up of the first plan kept), run_config.json
 * records where the length changed, and the extended run resumes exactly like any other. A shorter length, the same
 * one, or a run that stopped early is refused with nothing changed. The runs are FinetuneResumeTest's: a one-layer
 * model told sea sentences from land sentences, 96 training examples in batches of 8 (12 steps per epoch).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FinetuneExtendTest {
    Path tmp;
    Path tokenizer;

    @BeforeAll
    void tokenizer(@TempDir Path dir) throws IOException {
        tmp = dir;
        tokenizer = FinetuneResumeTest.seaLandTokenizer(tmp.resolve("tokenizer"));
    }

    /** A run of `length` (e.g. "--steps", "12" or "--epochs", "1"): a dev evaluation and a checkpoint every 4 steps. */
    String[] run(Path out, String... lengthAndExtra) throws IOException {
        List<String> a = new ArrayList<>(List.of(FinetuneCommandTest.seqArgs(tmp, out, "--scratch", "--tokenizer", tokenizer.toString(),
                "--model", "1,32,2,64", "--eval-every", "4", "--save-every", "4", "--metric", "accuracy", "--lr", "1e-2", "--patience", "0")));
        int steps = a.indexOf("--steps");
        a.subList(steps, steps + 2).clear(); // seqArgs' own length: each test gives its own
        a.addAll(List.of(lengthAndExtra));
        return a.toArray(String[]::new);
    }

    Path finished(String name, String... lengthAndExtra) throws IOException {
        Path out = tmp.resolve(name);
        assertSucceeds(finetune(run(out, lengthAndExtra)));
        return out;
    }

    @Test
    void aFinishedRunGivenMoreStepsTrainsOnWithTheLongerSchedule() throws IOException {
        Path out = finished("extended", "--steps", "12");
        String shortResults = Files.readString(out.resolve("results.json"));
        List<String> shortMetrics = FinetuneResumeTest.metricsWithoutTime(out);

        Result r = finetune("--out", out.toString(), "--resume", "--steps", "24");
        assertSucceeds(r);
        assertTrue(r.out().contains("extending the run from 12 to 24 steps at step 12: the learning rate follows the 24-step schedule "
                + "from here (5.22e-03 at step 13; the warm-up stays that of the 12-step plan); recorded in " + out.resolve("run_config.json")
                + "; the finished run's results are kept in " + out.resolve("results-step-12.json")), r.out());
        assertEquals(shortResults, Files.readString(out.resolve("results-step-12.json")), "the short run's results are kept");

        Map<String, Object> config = Json.parseObject(Files.readString(out.resolve("run_config.json")), "run_config.json");
        assertEquals(24L, config.get("steps"));
        assertEquals(List.of(Map.of("at_step", 12L, "steps_before", 12L)), config.get(FinetuneExtension.EXTENSIONS));
        Map<String, Object> results = results(out);
        assertEquals(24L, results.get("steps_run"));
        assertEquals(24L, results.get("planned_steps"));

        // Steps 1-12 are the short run's lines (the final scores after them are dropped: they belong to results-step-12.json);
        // from step 13 the rate is the 24-step schedule's with the short run's warm-up of round(0.1 x 12) = 1 step.
        List<String> metrics = FinetuneResumeTest.metricsWithoutTime(out);
        List<String> trained = shortMetrics.subList(0, shortMetrics.size() - 1); // without the final test line
        assertEquals(trained, metrics.subList(0, trained.size()));
        LrSchedule longer = LrSchedule.linear(1e-2, 1, 24);
        for (int step : new int[] {20, 24}) assertEquals(longer.lr(step - 1), lr(metrics, step), 1e-15, "step " + step);
        assertEquals(LrSchedule.linear(1e-2, 1, 12).lr(9), lr(metrics, 10), 1e-15, "step 10 followed the short schedule");
    }

    @Test
    void anExtendedRunStoppedAndResumedMatchesOneExtendedInOneGo() throws IOException {
        Path whole = finished("extended-whole", "--steps", "12");
        assertSucceeds(finetune("--out", whole.toString(), "--resume", "--steps", "24"));

        Path split = finished("extended-split", "--steps", "12");
        Result first = finetune("--out", split.toString(), "--resume", "--steps", "24", "--stop-after", "18");
        assertSucceeds(first);
        assertTrue(first.out().contains("stopped after step 18 of 24"), first.out());
        assertFalse(Files.exists(split.resolve("results.json")), "reopened: no results until the extended run ends");
        Result rest = finetune("--out", split.toString(), "--resume");
        assertSucceeds(rest);
        assertTrue(rest.out().contains("(step 18 of 24)"), rest.out());
        assertSameRun(whole, split);
    }

    @Test
    void stepsAndEpochsGivenTogetherSayThatStepsSetsTheLengthOfANewRunAndOfAResumedOne() throws IOException {
        // 12 steps make an epoch here, so --epochs 3 alone would plan 36: --steps wins, in a new run as in a resumed one.
        Path out = tmp.resolve("both");
        Result started = finetune(run(out, "--steps", "8", "--epochs", "3", "--stop-after", "4"));
        assertSucceeds(started);
        String note = "note: --steps %d and --epochs 3 both given: --steps sets the run's length, as it always does; --epochs is "
                + "recorded in run_config.json but not used\n";
        assertTrue(started.out().startsWith(String.format(note, 8)), started.out());
        assertTrue(started.out().contains("stopped after step 4 of 8"), started.out());

        Result resumed = finetune("--out", out.toString(), "--resume", "--steps", "16", "--epochs", "3");
        assertSucceeds(resumed);
        assertTrue(resumed.out().startsWith(String.format(note, 16)), resumed.out());
        assertTrue(resumed.out().contains("extending the run from 8 to 16 steps at step 4"), resumed.out());
        assertEquals(16L, results(out).get("steps_run"));
        Map<String, Object> config = Json.parseObject(Files.readString(out.resolve("run_config.json")), "run_config.json");
        assertEquals(List.of(16L, 3L), List.of(config.get("steps"), config.get("epochs")), "both recorded, as given");
        assertFalse(finetune("--out", out.toString(), "--resume", "--steps", "16").out().contains("both given"), "one of them: no note");
    }

    @Test
    void moreEpochsExtendAnUnfinishedRunFromItsLatestCheckpoint() throws IOException {
        Path out = tmp.resolve("epochs");
        assertSucceeds(finetune(run(out, "--epochs", "1", "--stop-after", "8")));
        Result r = finetune("--out", out.toString(), "--resume", "--epochs", "2");
        assertSucceeds(r);
        assertTrue(r.out().contains("extending the run from 12 to 24 steps at step 8"), r.out());
        assertTrue(r.out().contains("resuming from " + out.resolve("checkpoints/step-8") + " (step 8 of 24)"), r.out());
        assertEquals(24L, results(out).get("steps_run"));
        Map<String, Object> config = Json.parseObject(Files.readString(out.resolve("run_config.json")), "run_config.json");
        assertEquals(2L, config.get("epochs"));
        assertEquals(List.of(Map.of("at_step", 8L, "steps_before", 12L)), config.get(FinetuneExtension.EXTENSIONS));
        assertFalse(Files.exists(out.resolve("results-step-12.json")), "an unfinished run has no results to keep");
    }

    @Test
    void shorterOrEqualLengthsAndEarlyStoppedRunsAreRefusedWithNothingChanged() throws IOException {
        Path out = finished("refused", "--steps", "12");
        String config = Files.readString(out.resolve("run_config.json")), results = Files.readString(out.resolve("results.json"));
        assertError(finetune("--out", out.toString(), "--resume", "--steps", "8"), "--steps 8 makes 8 steps, below the run's 12 ("
                + out.resolve("run_config.json") + "): a resumed run can be extended, not shortened; --stop-after N ends this invocation");
        assertError(finetune("--out", out.toString(), "--resume", "--epochs", "9"), "--epochs 9 leaves the run at its 12 planned steps ("
                + out.resolve("run_config.json") + "; its --steps 12 wins over --epochs): give --steps above 12 to extend it");
        // A job that would train nothing (--stop-after at the checkpoint) does not reopen the run either.
        Result nothing = finetune("--out", out.toString(), "--resume", "--steps", "24", "--stop-after", "12");
        assertSucceeds(nothing);
        assertTrue(nothing.out().contains("--stop-after 12 is not after the checkpoint's step 12: nothing to train in this invocation, "
                + "so the run is not extended"), nothing.out());
        assertEquals(config, Files.readString(out.resolve("run_config.json")));
        assertEquals(results, Files.readString(out.resolve("results.json")));

        // Dev accuracy stops improving within 24 steps, so patience 2 ends this run early.
        Path early = finished("early", "--steps", "24", "--patience", "2");
        assertEquals(Boolean.TRUE, results(early).get("stopped_early"), "stopped early: " + results(early));
        String earlyConfig = Files.readString(early.resolve("run_config.json"));
        assertError(finetune("--out", early.toString(), "--resume", "--steps", "48", "--patience", "2"),
                early + ": the run stopped early at step ");
        assertEquals(earlyConfig, Files.readString(early.resolve("run_config.json")));
        assertTrue(Files.exists(early.resolve("results.json")), "still finished");
        assertTrue(finetune("--out", early.toString(), "--resume").out().contains("its best model is " + early.resolve("model")
                + " (it stopped early)"), "no hint to extend what cannot be");

        // The same run planned to end where that one stopped: it ends normally, its patience used up at its last
        // evaluation, so a longer plan would have stopped it there; it is not extended either.
        long stoppedAt = (Long) results(early).get("steps_run");
        Path outOfPatience = finished("out-of-patience", "--steps", String.valueOf(stoppedAt), "--patience", "2");
        assertEquals(Boolean.FALSE, results(outOfPatience).get("stopped_early"));
        assertError(finetune("--out", outOfPatience.toString(), "--resume", "--steps", "48"), outOfPatience + ": the run ended at step "
                + stoppedAt + " with no dev improvement in its last 2 evaluations");
    }

    @Test
    void aFinishedRunSaysHowToExtendIt() throws IOException {
        Path out = finished("complete", "--steps", "8");
        Result again = finetune("--out", out.toString(), "--resume");
        assertSucceeds(again);
        assertTrue(again.out().contains("nothing is left to train; its best model is " + out.resolve("model")
                + " (more --steps or --epochs extend it)"), again.out());
        assertTrue(finetune("--help").out().contains("--resume --epochs N or --steps N above the run's: extend it"));
    }

    private static double lr(List<String> metrics, int step) {
        String line = metrics.stream().filter(l -> l.startsWith("{\"step\":" + step + ",\"epoch\"")).findFirst()
                .orElseThrow(() -> new AssertionError("no training line for step " + step + " in " + metrics));
        return ((Number) Json.parseObject(line, "metrics.jsonl").get("lr")).doubleValue();
    }
}
