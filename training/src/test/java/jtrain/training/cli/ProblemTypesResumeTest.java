package jtrain.training.cli;

import static jtrain.training.cli.FinetuneCommandTest.assertError;
import static jtrain.training.cli.FinetuneCommandTest.finetune;
import static jtrain.training.cli.FinetuneResumeTest.assertSameRun;
import static jtrain.training.cli.FinetuneResumeTest.assertSucceeds;
import static jtrain.training.cli.FinetuneResumeTest.concat;
import static jtrain.training.cli.FinetuneResumeTest.results;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import jtrain.engine.Rng;
import jtrain.engine.io.Json;
import jtrain.training.SeaLand;
import jtrain.training.tokenizer.TokenizerFiles;
import jtrain.training.tokenizer.WordPieceTrainer;

/**
 * FinetuneResumeTest's guarantee for the other problem types: a regression or multi-label run stopped with
 * --stop-after and continued with --resume ends with the same metrics.jsonl, results.json and best model as an
 * uninterrupted run. The checkpoint's dev evaluations carry the problem's metrics (pearson..., micro_f1...), which the
 * resumed run compares its next evaluations with. Tiny runs: one layer from random weights, ProblemTypesCommandTest's
 * sea and land sentences.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProblemTypesResumeTest {
    Path tmp;
    Path tokenizer;

    @BeforeAll
    void tokenizer(@TempDir Path dir) throws IOException {
        tmp = dir;
        tokenizer = seaLandTokenizer(tmp.resolve("tokenizer"));
    }

    /** A WordPiece tokenizer of the sea and land sentences, saved in dir (for --scratch --tokenizer dir). */
    static Path seaLandTokenizer(Path dir) throws IOException {
        Rng r = new Rng(5);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 40; i++) texts.add(ProblemTypesCommandTest.draw(r).text());
        for (int i = 0; i < 10; i++) texts.add(SeaLand.sentence(r::nextInt, i % 2 == 0 ? SeaLand.SEA : SeaLand.LAND));
        TokenizerFiles.save(new WordPieceTrainer().vocabSize(80).minFrequency(1).train(texts), dir);
        return dir;
    }

    /** JSONL lines {"text", "label": label(sentence)} of n sentences drawn with this seed. */
    Path file(String name, int n, long seed, Function<ProblemTypesCommandTest.Drawn, Object> label) throws IOException {
        Rng r = new Rng(seed);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ProblemTypesCommandTest.Drawn d = ProblemTypesCommandTest.draw(r);
            lines.add(Json.write(Map.of("text", d.text(), "label", label.apply(d))));
        }
        return Files.write(tmp.resolve(name), lines);
    }

    /** 16 steps of 8 examples, a dev evaluation and a checkpoint every 4. */
    String[] run(Path out, String problem, Function<ProblemTypesCommandTest.Drawn, Object> label, String... extra) throws IOException {
        return run(out, problem, problem, label, extra);
    }

    /** As above, the data files named after name. */
    String[] run(Path out, String problem, String name, Function<ProblemTypesCommandTest.Drawn, Object> label, String... extra) throws IOException {
        List<String> a = new ArrayList<>(List.of("--task", "seq", "--problem", problem, "--scratch", "--tokenizer", tokenizer.toString(),
                "--model", "1,32,2,64", "--train", file(name + "-train.jsonl", 40, 1, label).toString(),
                "--dev", file(name + "-dev.jsonl", 16, 2, label).toString(), "--test", file(name + "-test.jsonl", 16, 3, label).toString(),
                "--max-len", "16", "--batch", "8", "--steps", "16", "--eval-every", "4", "--save-every", "4", "--lr", "1e-2",
                "--patience", "0", "--out", out.toString()));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    void assertStoppedAndResumedMatchesWhole(String problem, Function<ProblemTypesCommandTest.Drawn, Object> label, String metric)
            throws IOException {
        assertStoppedAndResumedMatchesWhole(problem, problem, label, metric);
    }

    /** name: of the run folders and data files, so that two runs of one problem type do not meet. */
    void assertStoppedAndResumedMatchesWhole(String problem, String name, Function<ProblemTypesCommandTest.Drawn, Object> label, String metric)
            throws IOException {
        Path whole = tmp.resolve(name + "-whole"), split = tmp.resolve(name + "-split");
        assertSucceeds(finetune(run(whole, problem, name, label)));
        assertSucceeds(finetune(run(split, problem, name, label, "--stop-after", "6")));
        assertSucceeds(finetune("--out", split.toString(), "--resume"));
        assertSameRun(whole, split);
        Map<String, Object> results = results(whole);
        assertTrue(results.containsKey("dev_" + metric) && results.containsKey("test_" + metric), "the problem's metrics: " + results);
        assertFalse(results.containsKey("dev_accuracy"), "no class accuracy for " + problem + ": " + results);
    }

    @Test
    void aRegressionRunStoppedAndResumedMatchesAnUninterruptedOne() throws IOException {
        assertStoppedAndResumedMatchesWhole("regression", ProblemTypesCommandTest.Drawn::score, "pearson");
    }

    @Test
    void aRegressionRunWithTwoOutputsStoppedAndResumedMatchesAnUninterruptedOne() throws IOException {
        // "label": [sea score, verb score]: the checkpoint's dev evaluations carry each output's metrics too.
        assertStoppedAndResumedMatchesWhole("regression", "regression2", d -> List.of(d.score(), d.verb().equals("loves") ? 3.0 : -1.0),
                "pearson_1");
        Path whole = tmp.resolve("regression2-whole"), split = tmp.resolve("regression2-split");
        assertEquals(List.of("LABEL_0", "LABEL_1"), results(whole).get("labels"));
        // The split run read its step-4 evaluation back from the checkpoint, with each output's metrics.
        List<?> evaluations = devEvaluations(whole);
        assertEquals(evaluations, devEvaluations(split));
        assertTrue(((Map<?, ?>) evaluations.getFirst()).containsKey("dev_mse_1"), evaluations.toString());
    }

    /** The dev evaluations the last checkpoint of a run records. */
    static List<?> devEvaluations(Path run) throws IOException {
        return (List<?>) Json.readObject(run.resolve("checkpoints/step-16/trainer_state.json")).get("dev_evaluations");
    }

    @Test
    void aMultiLabelRunStoppedAndResumedMatchesAnUninterruptedOne() throws IOException {
        assertStoppedAndResumedMatchesWhole("multi_label", ProblemTypesCommandTest.Drawn::labels, "micro_f1");
    }

    @Test
    void aResumedRunKeepsItsProblemTypeAndItsScores() throws IOException {
        Path out = tmp.resolve("regression-options");
        Function<ProblemTypesCommandTest.Drawn, Object> score = ProblemTypesCommandTest.Drawn::score;
        assertSucceeds(finetune(run(out, "regression", score, "--stop-after", "4")));
        Map<String, Object> config = Json.parseObject(Files.readString(out.resolve("run_config.json")), "run_config.json");
        assertEquals("regression", config.get("problem"));
        assertEquals("pearson", config.get("metric"), "the problem's default metric is saved");

        assertError(finetune("--out", out.toString(), "--resume", "--problem", "multi_label"),
                "--problem multi_label differs from the run's regression (" + out.resolve("run_config.json") + ")");
        // HF's long names are the same types, saved and compared in one spelling.
        assertError(finetune("--out", out.toString(), "--resume", "--problem", "multi_label_classification"),
                "--problem multi_label differs from the run's regression");
        assertError(finetune("--out", out.toString(), "--resume", "--metric", "mse"), "--metric mse differs from the run's pearson");

        // The same sentences with other scores: the checkpoint's data fingerprint covers the regression targets.
        file("regression-train.jsonl", 40, 1, d -> d.score() + 1);
        assertError(finetune("--out", out.toString(), "--resume"), "the checkpoint was trained on other examples");
    }

    @Test
    void aTokenTaskRefusesAProblemType() throws IOException {
        Path tags = Files.writeString(tmp.resolve("tags.conll"), "the DET\nsea NOUN\n\nthe DET\nfield NOUN\n");
        assertError(finetune("--task", "tok", "--train", tags.toString(), "--dev", tags.toString(), "--scratch", "--tokenizer",
                tokenizer.toString(), "--model", "1,32,2,64", "--problem", "regression", "--out", tmp.resolve("tok-problem").toString()),
                "--problem is for sequence tasks; a token task has one tag per word");
    }
}
