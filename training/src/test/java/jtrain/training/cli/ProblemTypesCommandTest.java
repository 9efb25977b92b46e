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
import jtrain.training.SeaLand;
import jtrain.transformer.HfCheckpoint;
import jtrain.transformer.ProblemType;

/**
 * ./trainer finetune --problem regression and multi_label, then eval and predict on the saved folders. Sentences
 * "the N1 V the N2" take each noun from the sea or the land words; the regression score is 2.5 per sea noun (0, 2.5
 * or 5, an STS-B-like scale), the multi-label set holds "sea" and/or "land" for the nouns' topics and "love" when the
 * verb is "loves": both learnable from the words alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProblemTypesCommandTest {
    @TempDir
    Path tmp;
    Path pretrained;

    /** Noun topics (true: sea) and the verb of one sentence. */
    record Drawn(String text, boolean firstSea, boolean secondSea, String verb) {
        double score() {
            return 2.5 * ((firstSea ? 1 : 0) + (secondSea ? 1 : 0));
        }

        List<String> labels() {
            List<String> l = new ArrayList<>();
            if (firstSea || secondSea) l.add("sea");
            if (!firstSea || !secondSea) l.add("land");
            if (verb.equals("loves")) l.add("love");
            return l;
        }
    }

    static Drawn draw(Rng r) {
        boolean a = r.nextInt(2) == 0, b = r.nextInt(2) == 0;
        String[] first = a ? SeaLand.SEA : SeaLand.LAND, second = b ? SeaLand.SEA : SeaLand.LAND;
        String verb = SeaLand.VERBS[r.nextInt(SeaLand.VERBS.length)];
        return new Drawn("the " + first[r.nextInt(first.length)] + " " + verb + " the " + second[r.nextInt(second.length)], a, b, verb);
    }

    /** JSONL {"text", "label": score}. */
    Path regressionFile(String name, int n, long seed) throws IOException {
        Rng r = new Rng(seed);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Drawn d = draw(r);
            lines.add(Json.write(Map.of("text", d.text(), "label", d.score())));
        }
        return Files.write(tmp.resolve(name), lines);
    }

    /** .jsonl: "label" a list; .tsv: a label column with the labels separated by commas. */
    Path multiLabelFile(String name, int n, long seed) throws IOException {
        Rng r = new Rng(seed);
        List<String> lines = new ArrayList<>();
        boolean tsv = name.endsWith(".tsv");
        if (tsv) lines.add("sentence\tlabel");
        for (int i = 0; i < n; i++) {
            Drawn d = draw(r);
            lines.add(tsv ? d.text() + "\t" + String.join(",", d.labels()) : Json.write(Map.of("text", d.text(), "label", d.labels())));
        }
        return Files.write(tmp.resolve(name), lines);
    }

    /** FinetuneCommandTest's tiny pretraining on sea and land sentences. */
    @BeforeAll
    void pretrainOnce(@TempDir Path dir) throws IOException {
        pretrained = FinetuneCommandTest.pretrainTiny(dir);
    }

    List<String> common(Path out) {
        return new ArrayList<>(List.of("--task", "seq", "--init", pretrained.toString(), "--max-len", "16", "--batch", "8",
                "--steps", "240", "--eval-every", "40", "--lr", "3e-3", "--out", out.toString()));
    }

    @Test
    void regressionLearnsAScoreAndIsScoredByPearsonSpearmanAndMse() throws IOException {
        Path out = tmp.resolve("reg");
        List<String> args = common(out);
        args.addAll(List.of("--problem", "regression", "--train", regressionFile("train.jsonl", 128, 1).toString(),
                "--dev", regressionFile("dev.jsonl", 32, 2).toString(), "--test", regressionFile("test.jsonl", 32, 3).toString()));
        FinetuneCommandTest.Result r = finetune(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("best dev (step") && r.out().contains("Pearson"), r.out());
        assertTrue(r.out().contains("128 training examples (label fraction 1.0 of 128), 32 dev, 32 test; 1 output (a score)"), r.out());

        Map<String, Object> results = Json.readObject(out.resolve("results.json"));
        double pearson = ((Number) results.get("test_pearson")).doubleValue();
        assertTrue(pearson > 0.9, "the sea nouns decide the score: test Pearson " + pearson);
        assertTrue(results.containsKey("test_spearman") && results.containsKey("test_mse"), results.toString());
        assertEquals(List.of("LABEL_0"), results.get("labels"), "one output, named as HF names it");
        assertEquals("regression", Json.readObject(out.resolve("model/config.json")).get("problem_type"));

        Path model = out.resolve("model");
        FinetuneCommandTest.Result e = eval("--model", model.toString(), "--task", "seq", "--test", tmp.resolve("test.jsonl").toString(), "--json");
        assertEquals(0, e.code(), e.err());
        Map<String, Object> scored = Json.parseObject(e.out(), "eval");
        assertEquals(pearson, ((Number) scored.get("pearson")).doubleValue(), 1e-9, e.out());
        assertEquals(((Number) results.get("test_mse")).doubleValue(), ((Number) scored.get("loss")).doubleValue(), 1e-5,
                "the regression loss is the MSE");

        FinetuneCommandTest.Result sea = predict("--model", model.toString(), "--json", "the whale holds the ship");
        FinetuneCommandTest.Result land = predict("--model", model.toString(), "--json", "the horse holds the barn");
        assertEquals(0, sea.code(), sea.err());
        double seaScore = ((Number) Json.parseObject(sea.out(), "predict").get("score")).doubleValue();
        double landScore = ((Number) Json.parseObject(land.out(), "predict").get("score")).doubleValue();
        assertTrue(seaScore > landScore + 2.5, "two sea nouns score 5, two land nouns 0: " + seaScore + ", " + landScore);

        FinetuneCommandTest.Result plain = predict("--model", model.toString(), "the whale holds the ship");
        assertEquals(String.format("%.6f", seaScore), plain.out().strip(), "the raw output, no sigmoid");
    }

    @Test
    void multiLabelLearnsLabelSetsFromJsonListsAndCommaSeparatedTsv() throws IOException {
        Path out = tmp.resolve("multi");
        List<String> args = common(out);
        args.addAll(List.of("--steps", "480", "--patience", "0", "--problem", "multi_label", "--train", multiLabelFile("train.jsonl", 256, 1).toString(),
                "--dev", multiLabelFile("dev.tsv", 32, 2).toString(), "--test", multiLabelFile("test.jsonl", 32, 3).toString()));
        FinetuneCommandTest.Result r = finetune(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("micro-F1"), r.out());
        assertTrue(r.out().contains("; 3 labels, any number per example"), r.out());

        Map<String, Object> results = Json.readObject(out.resolve("results.json"));
        assertEquals(List.of("land", "love", "sea"), results.get("labels"));
        double micro = ((Number) results.get("test_micro_f1")).doubleValue();
        assertTrue(micro > 0.9, "test micro-F1 " + micro + "\n" + r.out());
        for (String metric : List.of("test_macro_f1", "test_exact_match", "test_loss")) assertTrue(results.containsKey(metric), metric);
        assertEquals("multi_label_classification", Json.readObject(out.resolve("model/config.json")).get("problem_type"));

        Path model = out.resolve("model");
        FinetuneCommandTest.Result e = eval("--model", model.toString(), "--task", "seq", "--dev", tmp.resolve("dev.tsv").toString(), "--json");
        assertEquals(0, e.code(), e.err());
        assertTrue(Json.parseObject(e.out(), "eval").containsKey("exact_match"), e.out());

        FinetuneCommandTest.Result p = predict("--model", model.toString(), "--json", "the whale loves the barn");
        assertEquals(0, p.code(), p.err());
        Map<String, Object> set = Json.parseObject(p.out(), "predict");
        assertEquals(List.of("land", "love", "sea"), set.get("labels"), "every label above 0.5, in label order");
        FinetuneCommandTest.Result plain = predict("--model", model.toString(), "the whale sees the ship");
        List<String> lines = plain.out().lines().toList();
        assertEquals("sea", lines.getFirst(), plain.out());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("* sea ")) && lines.stream().anyMatch(l -> l.startsWith("  land ")), plain.out());

        Path input = Files.write(tmp.resolve("texts.txt"), List.of("the whale loves the barn", "the horse sees the fence"));
        FinetuneCommandTest.Result file = predict("--model", model.toString(), "--input", input.toString());
        assertEquals(0, file.code(), file.err());
        List<String> jsonLines = file.out().lines().toList();
        assertEquals(2, jsonLines.size(), file.out());
        assertEquals(set.get("labels"), Json.parseObject(jsonLines.get(0), "line 1").get("labels"), "as predicted one at a time");
        assertEquals(2L, Json.parseObject(jsonLines.get(1), "line 2").get("line"));
    }

    @Test
    void labelsThatDoNotFitTheProblemAndBadOptionsAreNamed() throws IOException {
        Path multi = multiLabelFile("lists.jsonl", 8, 4);
        List<String> args = common(tmp.resolve("lists"));
        args.addAll(List.of("--train", multi.toString(), "--dev", multi.toString(), "--steps", "1"));
        assertError(finetune(args.toArray(String[]::new)), "\"label\" is a list; fine-tune with --problem multi_label");

        Path words = Files.write(tmp.resolve("words.jsonl"), List.of("{\"text\": \"the whale\", \"label\": \"high\"}"));
        List<String> reg = common(tmp.resolve("words"));
        reg.addAll(List.of("--problem", "regression", "--train", words.toString(), "--dev", words.toString(), "--steps", "1"));
        assertError(finetune(reg.toArray(String[]::new)), "words.jsonl:1: \"label\" must be a number or a list of numbers (--problem regression), got \"high\"");

        List<String> metric = common(tmp.resolve("metric"));
        metric.addAll(List.of("--problem", "regression", "--metric", "accuracy", "--train", words.toString(), "--dev", words.toString()));
        assertError(finetune(metric.toArray(String[]::new)), "--metric: unknown metric 'accuracy' for regression (pearson, spearman, mse, loss)");

        List<String> bad = common(tmp.resolve("bad"));
        bad.addAll(List.of("--problem", "ranking", "--train", words.toString(), "--dev", words.toString()));
        assertError(finetune(bad.toArray(String[]::new)), "--problem must be single_label, regression or multi_label, got 'ranking'");
    }

    @Test
    void anHfStyleOneOutputFolderWithoutProblemTypeIsReadAsRegression() throws IOException {
        Path out = tmp.resolve("one");
        List<String> args = common(out);
        args.addAll(List.of("--problem", "regression", "--steps", "2", "--train", regressionFile("small.jsonl", 16, 5).toString(),
                "--dev", regressionFile("small-dev.jsonl", 8, 6).toString()));
        assertEquals(0, finetune(args.toArray(String[]::new)).code());
        // As a cross-encoder's config.json: one label, no problem_type.
        Path config = out.resolve("model/config.json");
        Map<String, Object> json = Json.readObject(config);
        json.remove("problem_type");
        Files.writeString(config, Json.writePretty(json));
        assertNull(HfCheckpoint.readConfig(out.resolve("model")).problemType());
        assertEquals(ProblemType.REGRESSION, ProblemType.ofConfig(HfCheckpoint.readConfig(out.resolve("model"))));
        FinetuneCommandTest.Result p = predict("--model", out.resolve("model").toString(), "--json", "the whale holds the ship");
        assertEquals(0, p.code(), p.err());
        assertTrue(Json.parseObject(p.out(), "predict").get("score") instanceof Number, p.out());
    }

    @Test
    void glueStsBScoreColumnsAndEmptyMultiLabelFieldsAreReadByFinetuneAndEval() throws IOException {
        // STS-B's layout: the pair in sentence1/sentence2, the score in a column named "score".
        Rng r = new Rng(7);
        List<String> stsb = new ArrayList<>(List.of("index\tgenre\tsentence1\tsentence2\tscore"));
        for (int i = 0; i < 16; i++) {
            Drawn a = draw(r), b = draw(r);
            stsb.add(i + "\tmain\t" + a.text() + "\t" + b.text() + "\t" + String.format("%.3f", (a.score() + b.score()) / 2));
        }
        Path scores = Files.write(tmp.resolve("sts-b.tsv"), stsb);
        Path reg = tmp.resolve("stsb");
        List<String> args = common(reg);
        args.addAll(List.of("--problem", "regression", "--steps", "2", "--train", scores.toString(), "--dev", scores.toString()));
        FinetuneCommandTest.Result fit = finetune(args.toArray(String[]::new));
        assertEquals(0, fit.code(), fit.err());
        FinetuneCommandTest.Result scored = eval("--model", reg.resolve("model").toString(), "--task", "seq", "--dev", scores.toString(), "--json");
        assertEquals(0, scored.code(), scored.err());
        assertEquals(16L, Json.parseObject(scored.out(), "eval").get("examples"));

        // A multi-label row whose label field is empty has none of the labels; single-label refuses the same file.
        Path sets = Files.write(tmp.resolve("sets.tsv"), List.of("sentence\tlabel", "the whale sees the ship\tsea",
                "the horse sees the barn\tland", "the ship sees the barn\t"));
        Path multi = tmp.resolve("empty-sets");
        List<String> m = common(multi);
        m.addAll(List.of("--problem", "multi_label", "--steps", "2", "--train", sets.toString(), "--dev", sets.toString()));
        FinetuneCommandTest.Result fitSets = finetune(m.toArray(String[]::new));
        assertEquals(0, fitSets.code(), fitSets.err());
        assertTrue(fitSets.out().contains("3 training examples (label fraction 1.0 of 3), 3 dev, 0 test; 2 labels, any number per example"),
                fitSets.out());
        List<String> single = common(tmp.resolve("single"));
        single.addAll(List.of("--steps", "2", "--train", sets.toString(), "--dev", sets.toString()));
        assertError(finetune(single.toArray(String[]::new)), "sets.tsv:4: empty label");
    }
}
