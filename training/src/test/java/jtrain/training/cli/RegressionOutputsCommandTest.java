package jtrain.training.cli;

import static jtrain.training.cli.FinetuneCommandTest.assertError;
import static jtrain.training.cli.FinetuneCommandTest.eval;
import static jtrain.training.cli.FinetuneCommandTest.finetune;
import static jtrain.training.cli.FinetuneCommandTest.predict;
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

import jtrain.engine.Rng;
import jtrain.engine.io.Json;
import jtrain.transformer.HfCheckpoint;

/**
 * ./trainer finetune --problem regression with two numbers per text (HF's regression with num_labels 2: MSE over both
 * outputs), then eval and predict on the saved folder. In ProblemTypesCommandTest's sentences "the N1 V the N2" the
 * first number is 2.5 per sea noun (0, 2.5 or 5), the second 2.5 per land noun, less 1 (-1, 1.5 or 4): both learnable
 * from the words by this tiny model, and moving in opposite directions, so outputs mixed up would show (outputs that
 * vary independently: RegressionOutputsTest, and real data in docs/finetuning.md). The training file is JSONL
 * ("score": [a, b]), dev a .tsv ("a,b" in its score column), test a .csv (the field quoted). FinetuneCommandTest's
 * tiny pretrained model.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegressionOutputsCommandTest {
    Path tmp, pretrained, model;
    FinetuneCommandTest.Result trained;

    /** 2.5 per sea noun (0, 2.5 or 5); 2.5 per land noun, less 1 (-1, 1.5 or 4). */
    static double[] scores(ProblemTypesCommandTest.Drawn d) {
        return new double[] {d.score(), 4 - d.score()};
    }

    /** n sentences drawn with seed, their two scores written as the file's extension says. */
    Path file(String name, int n, long seed) throws IOException {
        Rng r = new Rng(seed);
        List<String> lines = new ArrayList<>();
        if (name.endsWith(".tsv")) lines.add("sentence\tscore");
        if (name.endsWith(".csv")) lines.add("text,label");
        for (int i = 0; i < n; i++) {
            ProblemTypesCommandTest.Drawn d = ProblemTypesCommandTest.draw(r);
            double[] s = scores(d);
            String pair = s[0] + "," + s[1];
            lines.add(name.endsWith(".tsv") ? d.text() + "\t" + pair : name.endsWith(".csv") ? d.text() + ",\"" + pair + "\""
                    : Json.write(Map.of("text", d.text(), "score", List.of(s[0], s[1]))));
        }
        return Files.write(tmp.resolve(name), lines);
    }

    List<String> args(Path out, Path train, Path dev, String... extra) {
        List<String> a = new ArrayList<>(List.of("--task", "seq", "--problem", "regression", "--init", pretrained.toString(), "--max-len", "16",
                "--batch", "8", "--lr", "3e-3", "--train", train.toString(), "--dev", dev.toString(), "--out", out.toString()));
        a.addAll(List.of(extra));
        return a;
    }

    @BeforeAll
    void trainOnce(@TempDir Path dir) throws IOException {
        tmp = dir;
        pretrained = FinetuneCommandTest.pretrainTiny(tmp);
        List<String> a = args(tmp.resolve("two"), file("train.jsonl", 256, 1), file("dev.tsv", 32, 2), "--test", file("test.csv", 32, 3).toString(),
                "--steps", "600", "--eval-every", "100", "--patience", "0");
        trained = finetune(a.toArray(String[]::new));
        model = tmp.resolve("two/model");
    }

    @Test
    void finetuneLearnsBothScoresAndSavesAModelWithTwoRegressionOutputs() throws IOException {
        assertEquals(0, trained.code(), trained.err());
        assertTrue(trained.out().contains("256 training examples (label fraction 1.0 of 256), 32 dev, 32 test; 2 outputs (a score each)"),
                trained.out());
        assertTrue(trained.out().contains("test with the best model: mean of 2 outputs: Pearson "), trained.out());

        Map<String, Object> config = Json.readObject(model.resolve("config.json"));
        assertEquals("regression", config.get("problem_type"));
        assertEquals(Map.of("0", "LABEL_0", "1", "LABEL_1"), config.get("id2label"), "num_labels 2, as HF saves it");
        assertEquals(2, HfCheckpoint.readConfig(model).labels().size());

        Map<String, Object> results = Json.readObject(tmp.resolve("two/results.json"));
        double p0 = number(results, "test_pearson_0"), p1 = number(results, "test_pearson_1");
        assertTrue(p0 > 0.9 && p1 > 0.9, "the nouns decide the scores: test Pearson " + p0 + ", " + p1 + "\n" + trained.out());
        assertEquals((p0 + p1) / 2, number(results, "test_pearson"), 1e-12, "the headline is the mean over the outputs");
        assertEquals((number(results, "test_mse_0") + number(results, "test_mse_1")) / 2, number(results, "test_mse"), 1e-12);
        assertEquals(number(results, "test_mse"), number(results, "test_loss"), 1e-5, "the loss is the MSE over all 32 x 2 numbers");
    }

    @Test
    void evalScoresEachOutputAndTheirMean() throws IOException {
        Map<String, Object> results = Json.readObject(tmp.resolve("two/results.json"));
        FinetuneCommandTest.Result e = eval("--model", model.toString(), "--task", "seq", "--test", tmp.resolve("test.csv").toString(), "--json");
        assertEquals(0, e.code(), e.err());
        Map<String, Object> scored = Json.parseObject(e.out(), "eval");
        for (String metric : List.of("pearson", "spearman", "mse", "pearson_0", "spearman_0", "mse_0", "pearson_1", "spearman_1", "mse_1"))
            assertEquals(number(results, "test_" + metric), number(scored, metric), 1e-9, metric + " as finetune scored it");

        FinetuneCommandTest.Result plain = eval("--model", model.toString(), "--task", "seq", "--test", tmp.resolve("test.csv").toString());
        List<String> lines = plain.out().lines().toList();
        assertTrue(lines.get(0).startsWith("seq test: mean of 2 outputs: Pearson "), plain.out());
        assertTrue(lines.get(1).startsWith("  LABEL_0: Pearson ") && lines.get(2).startsWith("  LABEL_1: Pearson "), plain.out());
    }

    @Test
    void predictPrintsEveryOutputsScore() throws IOException {
        // (5, -1), (2.5, 1.5) and (0, 4).
        List<Double> sea = scoresOf(predict("--model", model.toString(), "--json", "the whale loves the ship"));
        List<Double> mixed = scoresOf(predict("--model", model.toString(), "--json", "the whale holds the cart"));
        List<Double> land = scoresOf(predict("--model", model.toString(), "--json", "the hill holds the cart"));
        assertEquals(2, sea.size());
        assertTrue(sea.get(0) > mixed.get(0) + 1 && mixed.get(0) > land.get(0) + 1, "the first follows the sea nouns: " + sea + mixed + land);
        assertTrue(sea.get(1) < mixed.get(1) - 1 && mixed.get(1) < land.get(1) - 1, "the second the land nouns: " + sea + mixed + land);

        FinetuneCommandTest.Result plain = predict("--model", model.toString(), "the whale loves the ship");
        assertEquals(List.of(String.format("%-20s %.6f", "LABEL_0", sea.get(0)), String.format("%-20s %.6f", "LABEL_1", sea.get(1))),
                plain.out().lines().toList(), "each output's name and raw score");

        Path input = Files.write(tmp.resolve("texts.txt"), List.of("the whale loves the ship", "the hill holds the cart"));
        FinetuneCommandTest.Result file = predict("--model", model.toString(), "--input", input.toString());
        assertEquals(0, file.code(), file.err());
        List<String> jsonLines = file.out().lines().toList();
        assertEquals(sea, ((List<?>) Json.parseObject(jsonLines.get(0), "line 1").get("scores")).stream().map(v -> ((Number) v).doubleValue()).toList());
        FinetuneCommandTest.Result devFile = predict("--model", model.toString(), "--input", tmp.resolve("dev.tsv").toString());
        assertEquals(0, devFile.code(), "a labelled file is predicted as it is: " + devFile.err());
    }

    @Test
    void everyExampleMustGiveAsManyScoresAsTheModelHasOutputs() throws IOException {
        Path train = file("small.jsonl", 8, 4);
        Path dev = Files.write(tmp.resolve("short.tsv"), List.of("sentence\tscore", "the whale sees the ship\t5,-1", "the horse sees the barn\t0"));
        assertError(finetune(args(tmp.resolve("short"), train, dev, "--steps", "1").toArray(String[]::new)),
                dev + ":3: 1 score, but " + train + ":1, the first training example, has 2 (every example of train, dev and test needs one "
                        + "number per model output)");

        Path one = Files.write(tmp.resolve("one.jsonl"), List.of("{\"text\": \"the whale sees the ship\", \"score\": 5}"));
        assertError(eval("--model", model.toString(), "--task", "seq", "--test", one.toString()),
                one + ":1: 1 score, but the model has 2 outputs");

        Path both = Files.write(tmp.resolve("both.jsonl"), List.of("{\"text\": \"the whale sees the ship\", \"score\": [5, -1], \"label\": 5}"));
        assertError(finetune(args(tmp.resolve("both"), both, both, "--steps", "1").toArray(String[]::new)),
                both + ":1: both \"label\" and \"score\": give a regression target under one of them");
    }

    static double number(Map<String, Object> m, String key) {
        assertTrue(m.containsKey(key), key + " in " + m);
        return ((Number) m.get(key)).doubleValue();
    }

    static List<Double> scoresOf(FinetuneCommandTest.Result r) {
        assertEquals(0, r.code(), r.err());
        Map<String, Object> j = Json.parseObject(r.out(), "predict");
        assertEquals(List.of("scores", "truncated"), List.copyOf(j.keySet()));
        return ((List<?>) j.get("scores")).stream().map(v -> ((Number) v).doubleValue()).toList();
    }
}
