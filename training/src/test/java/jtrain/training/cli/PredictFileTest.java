package jtrain.training.cli;

import static jtrain.training.cli.FinetuneCommandTest.assertError;
import static jtrain.training.cli.FinetuneCommandTest.finetune;
import static jtrain.training.cli.FinetuneCommandTest.predict;
import static jtrain.training.cli.FinetuneCommandTest.run;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
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

/**
 * ./trainer predict --input FILE: every record of a file labelled (or tagged) in batches, as JSON Lines in the file's
 * order. Each result is what ./trainer predict --json gives for that one text: padding a text to the longest of its
 * batch changes no probability beyond float rounding. The two models are tiny, trained from scratch for a few steps:
 * what they predict does not matter here, only that a file gets the same predictions as its texts one by one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PredictFileTest {
    /** Probabilities of a batch and of one text agree to float rounding (they differ only in padding). */
    static final double ROUNDING = 1e-6;

    @TempDir
    Path tmp;
    String classifier, tagger;

    @BeforeAll
    void trainTwoTinyModels(@TempDir Path dir) throws IOException {
        Rng r = new Rng(7);
        List<String> corpus = new ArrayList<>(), seq = new ArrayList<>();
        StringBuilder conll = new StringBuilder();
        for (int i = 0; i < 48; i++) {
            boolean sea = i % 2 == 0;
            String s = SeaLand.sentence(r::nextInt, sea ? SeaLand.SEA : SeaLand.LAND);
            corpus.add(s);
            seq.add(Json.write(Map.of("text", s, "label", sea ? "sea" : "land")));
            for (String w : s.split(" ")) conll.append(w).append('\t').append(w.equals("the") ? "DET" : "WORD").append('\n');
            conll.append('\n');
        }
        Path text = Files.write(dir.resolve("corpus.txt"), corpus), seqFile = Files.write(dir.resolve("seq.jsonl"), seq);
        Path conllFile = Files.writeString(dir.resolve("tok.conll"), conll);
        Path tok = dir.resolve("tokenizer");
        Result t = run((o, e) -> TokenizerCommand.run(new String[] {"train", "--corpus", text.toString(), "--vocab-size", "100",
                "--min-frequency", "1", "--out", tok.toString()}, o, e));
        assertEquals(0, t.code(), t.err());
        for (String[] task : List.of(new String[] {"seq", seqFile.toString()}, new String[] {"tok", conllFile.toString()})) {
            Result f = finetune("--task", task[0], "--scratch", "--tokenizer", tok.toString(), "--model", "1,32,2,64", "--train", task[1],
                    "--dev", task[1], "--batch", "8", "--steps", "20", "--lr", "3e-3", "--device", "cpu", "--out", dir.resolve(task[0]).toString());
            assertEquals(0, f.code(), f.err());
        }
        classifier = dir.resolve("seq/model").toString();
        tagger = dir.resolve("tok/model").toString();
    }

    @Test
    void aFileOfTextsAndPairsGetsTheLabelsThatEachTextGetsAlone() throws IOException {
        // Texts of different lengths in one batch (so most are padded), pairs among them, a blank line, and a text
        // longer than the model's 128 positions, which is cut as a single TEXT would be.
        String longText = String.join(" ", Collections.nCopies(60, "the whale sees the ship"));
        Path input = Files.writeString(tmp.resolve("texts.jsonl"), """
                {"text": "the whale sees the ship", "label": "sea"}
                {"text": "the horse", "text_b": "the horse pulls the cart in the field by the barn"}

                {"text": "the tide", "id": "ignored: results carry the line"}
                {"text": "%s"}
                {"text": "the plough finds the wheat", "text_b": "the sail"}
                """.formatted(longText));

        List<Map<String, Object>> results = jsonLines(predict("--model", classifier, "--input", input.toString(), "--batch", "3", "--device", "cpu"));

        assertEquals(List.of(1, 2, 4, 5, 6), results.stream().map(PredictFileTest::line).toList(), "the blank line 3 is skipped");
        List<String[]> alone = List.of(new String[] {"the whale sees the ship"},
                new String[] {"the horse", "--pair", "the horse pulls the cart in the field by the barn"}, new String[] {"the tide"},
                new String[] {longText}, new String[] {"the plough finds the wheat", "--pair", "the sail"});
        for (int i = 0; i < alone.size(); i++) {
            Map<String, Object> one = predictAlone(classifier, alone.get(i));
            Map<String, Object> batched = results.get(i);
            assertEquals(one.get("label"), batched.get("label"), "line " + line(batched));
            assertEquals(one.get("truncated"), batched.get("truncated"), "line " + line(batched));
            Map<String, Object> p1 = map(one.get("probabilities")), pb = map(batched.get("probabilities"));
            assertEquals(p1.keySet(), pb.keySet());
            for (String label : p1.keySet())
                assertEquals(number(p1.get(label)), number(pb.get(label)), ROUNDING, "p(" + label + ") on line " + line(batched));
        }
        assertEquals(true, results.get(3).get("truncated"), "the long text is cut to the model's positions");
        assertEquals(List.of("line", "label", "probabilities", "truncated"), List.copyOf(results.getFirst().keySet()),
                "the line, then the fields of predict --json");
    }

    @Test
    void aFileOfSentencesGetsTheTagsThatEachSentenceGetsAlone() throws IOException {
        // One sentence of space-separated words per line; a .conll file (tag column or not) gives the same sentences.
        Path txt = Files.writeString(tmp.resolve("sentences.txt"), "the whale sees the ship\n\nthe cart\nthe horse pulls the plough on the hill\n");
        Path conll = Files.writeString(tmp.resolve("sentences.conll"),
                "the\tDET\nwhale\tWORD\nsees\nthe\nship\n\nthe\ncart\n\nthe\nhorse\npulls\nthe\nplough\non\nthe\nhill\n");

        List<Map<String, Object>> fromTxt = jsonLines(predict("--model", tagger, "--input", txt.toString(), "--batch", "2", "--device", "cpu"));
        List<Map<String, Object>> fromConll = jsonLines(predict("--model", tagger, "--input", conll.toString(), "--device", "cpu"));

        assertEquals(List.of(1, 3, 4), fromTxt.stream().map(PredictFileTest::line).toList(), "the line of each sentence");
        assertEquals(List.of(1, 7, 10), fromConll.stream().map(PredictFileTest::line).toList(), "the line of each sentence's first token");
        List<String> sentences = List.of("the whale sees the ship", "the cart", "the horse pulls the plough on the hill");
        for (int s = 0; s < sentences.size(); s++) {
            List<Map<String, Object>> alone = words(predictAlone(tagger, sentences.get(s)));
            for (List<Map<String, Object>> batched : List.of(words(fromTxt.get(s)), words(fromConll.get(s)))) {
                assertEquals(alone.size(), batched.size(), sentences.get(s));
                for (int w = 0; w < alone.size(); w++) {
                    assertEquals(alone.get(w).get("word"), batched.get(w).get("word"));
                    assertEquals(alone.get(w).get("tag"), batched.get(w).get("tag"), sentences.get(s) + ", word " + w);
                    assertEquals(number(alone.get(w).get("probability")), number(batched.get(w).get("probability")), ROUNDING);
                }
            }
        }
    }

    @Test
    void tsvAndCsvRowsAreLabelledLikeTheSameTextsInJsonLines() throws IOException {
        Path jsonl = Files.writeString(tmp.resolve("same.jsonl"), """
                {"text": "the whale", "text_b": "the ship"}
                {"text": "the barn, the hill", "text_b": "the fence"}
                """);
        Path tsv = Files.writeString(tmp.resolve("same.tsv"), "label\tsentence1\tsentence2\nsea\tthe whale\tthe ship\nland\tthe barn, the hill\tthe fence\n");
        Path csv = Files.writeString(tmp.resolve("same.csv"), "text,text_b\nthe whale,the ship\n\"the barn, the hill\",the fence\n");

        List<Map<String, Object>> expected = jsonLines(predict("--model", classifier, "--input", jsonl.toString(), "--device", "cpu"));
        for (Path file : List.of(tsv, csv)) {
            List<Map<String, Object>> got = jsonLines(predict("--model", classifier, "--input", file.toString(), "--device", "cpu"));
            assertEquals(List.of(2, 3), got.stream().map(PredictFileTest::line).toList(), "line 1 is the header");
            for (int i = 0; i < 2; i++) {
                assertEquals(expected.get(i).get("label"), got.get(i).get("label"), file.toString());
                assertEquals(expected.get(i).get("probabilities"), got.get(i).get("probabilities"), file.toString());
            }
        }
    }

    @Test
    void outWritesTheJsonLinesToAFileAndSaysSoOnStdout() throws IOException {
        Path input = Files.writeString(tmp.resolve("three.txt"), "the whale\nthe horse\nthe ship sees the tide\n");
        Path out = tmp.resolve("predictions.jsonl");

        Result toStdout = predict("--model", classifier, "--input", input.toString(), "--batch", "2", "--device", "cpu");
        Result toFile = predict("--model", classifier, "--input", input.toString(), "--batch", "2", "--device", "cpu", "--out", out.toString());

        assertEquals(0, toFile.code(), toFile.err());
        assertEquals(toStdout.out(), Files.readString(out), "the file holds what stdout would");
        assertEquals("3 predictions written to " + out, toFile.out().strip());
        assertTrue(toStdout.err().contains("predict: 3/3 records"), "progress goes to stderr: " + toStdout.err());
        try (var files = Files.list(tmp)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temporary file is left");
        }
    }

    @Test
    void badInputIsOneErrorLineNamingTheFileAndLine() throws IOException {
        Path malformed = Files.writeString(tmp.resolve("malformed.jsonl"), "{\"text\": \"the whale\"}\n{\"text\": oops\n");
        assertError(predict("--model", classifier, "--input", malformed.toString()), "malformed.jsonl:2: malformed JSON");
        Path noText = Files.writeString(tmp.resolve("notext.jsonl"), "{\"text\": \"the whale\"}\n{\"sentence\": \"the horse\"}\n");
        assertError(predict("--model", classifier, "--input", noText.toString()), "notext.jsonl:2: missing \"text\"");
        Path emptyText = Files.writeString(tmp.resolve("emptytext.tsv"), "sentence\tlabel\nthe whale\tsea\n\tland\n");
        assertError(predict("--model", classifier, "--input", emptyText.toString()), "emptytext.tsv:3: empty text");
        Path blank = Files.writeString(tmp.resolve("blank.txt"), "\n\n");
        assertError(predict("--model", classifier, "--input", blank.toString()), "blank.txt: only blank lines");
        assertError(predict("--model", classifier, "--input", tmp.resolve("missing.txt").toString()), "missing.txt: no such file");
        Path conll = Files.writeString(tmp.resolve("words.conll"), "the\nwhale\n");
        assertError(predict("--model", classifier, "--input", conll.toString()), "words.conll: a sequence classifier labels texts");
        assertError(predict("--model", tagger, "--input", malformed.toString()), "malformed.jsonl: a token classifier tags words");

        Path out = tmp.resolve("never-written.jsonl");
        assertError(predict("--model", classifier, "--input", malformed.toString(), "--out", out.toString()), "malformed.jsonl:2");
        assertFalse(Files.exists(out), "a fault in the input leaves no output file");
    }

    @Test
    void aFileOfManyBatchesIsReadAndWrittenABatchAtATimeInTheFilesOrder() throws IOException {
        // 30 texts (every seventh line blank) through batches of 4: the file is never held whole, and the output
        // is what a single batch over the whole file gives, line for line.
        Rng r = new Rng(3);
        StringBuilder texts = new StringBuilder();
        List<Integer> lines = new ArrayList<>();
        for (int line = 1, n = 0; n < 30; line++) {
            if (line % 7 == 0) {
                texts.append('\n');
                continue;
            }
            texts.append(SeaLand.sentence(r::nextInt, n % 2 == 0 ? SeaLand.SEA : SeaLand.LAND)).append('\n');
            lines.add(line);
            n++;
        }
        Path input = Files.writeString(tmp.resolve("many.txt"), texts);

        Result batched = predict("--model", classifier, "--input", input.toString(), "--batch", "4", "--device", "cpu");
        List<Map<String, Object>> inBatches = jsonLines(batched);
        List<Map<String, Object>> atOnce = jsonLines(predict("--model", classifier, "--input", input.toString(), "--batch", "64", "--device", "cpu"));

        assertEquals(lines, inBatches.stream().map(PredictFileTest::line).toList(), "every text once, in the file's order");
        for (int i = 0; i < atOnce.size(); i++) {
            assertEquals(atOnce.get(i).get("label"), inBatches.get(i).get("label"), "line " + lines.get(i));
            Map<String, Object> p1 = map(atOnce.get(i).get("probabilities")), pb = map(inBatches.get(i).get("probabilities"));
            for (String label : p1.keySet()) assertEquals(number(p1.get(label)), number(pb.get(label)), ROUNDING, "line " + lines.get(i));
        }
        assertTrue(batched.err().contains("predict: 30/30 records"), batched.err());

        // .conll sentences across batches of 3: each sentence starts where its first token is.
        StringBuilder conll = new StringBuilder();
        List<Integer> starts = new ArrayList<>();
        int line = 1;
        for (int s = 0; s < 10; s++) {
            starts.add(line);
            for (String w : SeaLand.sentence(r::nextInt, SeaLand.SEA).split(" ")) {
                conll.append(w).append('\n');
                line++;
            }
            conll.append('\n');
            line++;
        }
        Path sentences = Files.writeString(tmp.resolve("many.conll"), conll);
        List<Map<String, Object>> tagged = jsonLines(predict("--model", tagger, "--input", sentences.toString(), "--batch", "3", "--device", "cpu"));
        List<Map<String, Object>> taggedAtOnce = jsonLines(predict("--model", tagger, "--input", sentences.toString(), "--device", "cpu"));
        assertEquals(starts, tagged.stream().map(PredictFileTest::line).toList());
        for (int i = 0; i < tagged.size(); i++) {
            assertEquals(words(taggedAtOnce.get(i)).stream().map(w -> w.get("tag")).toList(), words(tagged.get(i)).stream().map(w -> w.get("tag")).toList());
        }
    }

    @Test
    void aBadLineFarIntoTheFileStopsTheCommandBeforeAnyPrediction() throws IOException {
        // Every record is read and checked in a first pass, so a fault after many batches still comes before the
        // model runs: no output at all, and the error names the file and line.
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < 40; i++) jsonl.append(Json.write(Map.of("text", "the whale sees the ship"))).append('\n');
        jsonl.append("{\"text\": \"the horse\",}\n");
        Path input = Files.writeString(tmp.resolve("late-fault.jsonl"), jsonl);
        Result r = predict("--model", classifier, "--input", input.toString(), "--batch", "4", "--device", "cpu");
        assertError(r, "late-fault.jsonl:41: malformed JSON: column 22: expected a quoted key but found '}'");
        assertEquals("", r.out(), "nothing was predicted");
        assertFalse(r.err().contains("records"), "no progress line: the model did not run");
    }

    @Test
    void optionsThatDoNotFitTogetherAreUsageErrors() throws IOException {
        Path input = Files.writeString(tmp.resolve("one.txt"), "the whale\n");
        assertError(predict("--model", classifier, "--input", input.toString(), "the whale"), "give either TEXT or --input FILE, not both");
        assertError(predict("--model", classifier, "--input", input.toString(), "--pair", "the ship"), "--pair goes with one TEXT");
        assertError(predict("--model", classifier, "--out", tmp.resolve("o.jsonl").toString(), "the whale"), "--out goes with --input FILE");
        assertError(predict("--model", classifier, "--batch", "8", "the whale"), "--batch goes with --input FILE");
        assertError(predict("--model", classifier, "--input", input.toString(), "--batch", "0"), "--batch must be at least 1, got 0");
        assertError(predict("--model", classifier, "--input", input.toString(), "--max-len", "4096"), "--max-len 4096 exceeds the model's 128 positions");
        assertError(predict("--model", classifier, "--input", input.toString(), "--device", "tpu"), "unknown device 'tpu'");
        assertError(predict("--model", tagger, "--pair", "the ship", "the whale"),
                "--pair is for sequence classifiers; " + tagger + " is a token classifier, which tags the words of one TEXT");
    }

    @Test
    void anOutFileThatCannotBeWrittenIsRefusedBeforeTheModelRuns() throws IOException {
        Path input = Files.writeString(tmp.resolve("two.txt"), "the whale\nthe horse\n");
        Path noFolder = tmp.resolve("no-such-folder").resolve("p.jsonl");
        Result r = predict("--model", classifier, "--input", input.toString(), "--out", noFolder.toString());
        assertError(r, "--out " + noFolder + ": the folder " + noFolder.getParent() + " does not exist");
        assertFalse(r.err().contains("records"), "no progress line: the model did not run");
        Path folder = Files.createDirectories(tmp.resolve("a-folder"));
        assertError(predict("--model", classifier, "--input", input.toString(), "--out", folder.toString()),
                "--out " + folder + " is a folder; give a file name");
    }

    @Test
    void aCutTextSaysToHowManyTokens() {
        Result r = predict("--model", classifier, "--max-len", "4", "--device", "cpu", "the whale sees the ship");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().strip().endsWith("(the text was cut to 4 tokens)"), r.out());
    }

    @Test
    void maxLenCutsEveryTextOfAFileAsItCutsOneText() throws IOException {
        Path input = Files.writeString(tmp.resolve("cut.txt"), "the whale sees the ship\nthe horse\n");
        List<Map<String, Object>> results = jsonLines(predict("--model", classifier, "--input", input.toString(), "--max-len", "4", "--device", "cpu"));
        Result alone = predict("--model", classifier, "--json", "--max-len", "4", "--device", "cpu", "the whale sees the ship");
        assertEquals(0, alone.code(), alone.err());
        Map<String, Object> one = Json.parseObject(alone.out(), "predict");
        assertEquals(true, one.get("truncated"), "[CLS] the whale [SEP]");
        assertEquals(true, results.get(0).get("truncated"));
        assertEquals(false, results.get(1).get("truncated"), "[CLS] the horse [SEP] fits");
        Map<String, Object> p1 = map(one.get("probabilities")), pb = map(results.get(0).get("probabilities"));
        for (String label : p1.keySet()) assertEquals(number(p1.get(label)), number(pb.get(label)), ROUNDING, label);
    }

    @Test
    void aCutSentenceSaysSoAndItsCutWordsHaveNoTag() {
        Map<String, Object> cut = Json.parseObject(predict("--model", tagger, "--json", "--max-len", "4", "--device", "cpu",
                "the whale sees the ship").out(), "predict");
        assertEquals(true, cut.get("truncated"), "[CLS] the whale [SEP]");
        List<?> words = (List<?>) cut.get("words");
        assertEquals(5, words.size(), "every word is listed");
        assertNull(map(words.get(4)).get("tag"), "'ship' was cut off");
        assertNotNull(map(words.get(0)).get("tag"));
        assertEquals(false, predictAlone(tagger, "the whale sees the ship").get("truncated"));
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    /** ./trainer predict --json for one TEXT (and --pair), parsed. */
    static Map<String, Object> predictAlone(String model, String... textAndPair) {
        List<String> args = new ArrayList<>(List.of("--model", model, "--json", "--device", "cpu"));
        args.addAll(List.of(textAndPair).subList(1, textAndPair.length));
        args.add(textAndPair[0]);
        Result r = predict(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        return Json.parseObject(r.out(), "predict");
    }

    /** The objects of a successful run's stdout, one per line: stdout holds nothing but JSON Lines. */
    static List<Map<String, Object>> jsonLines(Result r) {
        assertEquals(0, r.code(), r.err());
        List<Map<String, Object>> out = new ArrayList<>();
        for (String line : r.out().strip().split("\n")) out.add(new LinkedHashMap<>(Json.parseObject(line, "predict output")));
        return out;
    }

    static int line(Map<String, Object> result) {
        return ((Number) result.get("line")).intValue();
    }

    static double number(Object o) {
        return ((Number) o).doubleValue();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> words(Map<String, Object> result) {
        return (List<Map<String, Object>>) result.get("words");
    }
}
