package jtrain.training.cli;

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
import org.junit.jupiter.api.io.TempDir;

import jtrain.engine.Rng;
import jtrain.engine.io.Json;
import jtrain.training.data.Document;
import jtrain.training.tokenizer.TokenizerFiles;
import jtrain.transformer.BertForMaskedLM;
import jtrain.transformer.BertForSequenceClassification;
import jtrain.transformer.HfCheckpoint;

/** ./trainer eval --task mlm on the checkpoints of one tiny pretraining run (built once for the class). */
class MlmEvalCommandTest {
    @TempDir
    static Path tmp;
    static Path corpus, run, heldOut;

    /** A 6-step run on PretrainCommandTest's corpus, checkpoints and held-out evaluations at steps 3 and 6. */
    @BeforeAll
    static void pretrainOnce() throws IOException {
        corpus = PretrainCommandTest.corpus(tmp);
        run = tmp.resolve("run");
        PretrainCommandTest.Result r = PretrainCommandTest.pretrain("--data", corpus.toString(), "--model", "1,32,2,64", "--max-len", "32",
                "--batch", "4", "--steps", "6", "--vocab-size", "150", "--min-frequency", "1", "--eval-every", "3", "--save-every", "3",
                "--log-every", "1", "--device", "cpu", "--out", run.toString());
        assertEquals(0, r.code(), r.err());
        // The paragraphs the run held out (seed 1), as a file of their own: eval scores all of a file's text.
        List<Document> docs = CorpusSources.load(List.of(corpus.toString()), 1, null, new PrintStream(PrintStream.nullOutputStream())).heldOut();
        assertFalse(docs.isEmpty());
        heldOut = tmp.resolve("held-out.txt");
        Files.writeString(heldOut, String.join("\n\n", docs.stream().map(Document::text).toList()) + "\n");
    }

    record Result(int code, String out, String err) {}

    static Result eval(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = EvalCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The --json object of a successful evaluation. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> evalJson(Path model, String... extra) {
        List<String> a = new ArrayList<>(List.of("--model", model.toString(), "--task", "mlm", "--data", heldOut.toString(), "--device", "cpu", "--json"));
        a.addAll(List.of(extra));
        Result r = eval(a.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        assertEquals(1, r.out().strip().lines().count(), "one JSON object: " + r.out());
        return (Map<String, Object>) Json.parse(r.out());
    }

    /** The held-out evaluation the run logged for a step (its line in metrics.jsonl). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> logged(int step) throws IOException {
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            Map<String, Object> m = (Map<String, Object>) Json.parse(line);
            if (m.containsKey("eval_loss") && ((Number) m.get("step")).intValue() == step) return m;
        }
        throw new AssertionError("no evaluation of step " + step + " in metrics.jsonl");
    }

    static double number(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).doubleValue();
    }

    @Test
    void aCheckpointScoresExactlyTheHeldOutLossItsRunLoggedForThatStep() throws IOException {
        for (int step : new int[] {3, 6}) {
            Map<String, Object> e = evalJson(run.resolve("checkpoints/step-" + step)), l = logged(step);
            assertEquals(number(l, "eval_loss"), number(e, "loss"), "step " + step + ": same sequences, same masks, same weights");
            assertEquals(number(l, "eval_accuracy"), number(e, "accuracy"));
            assertEquals(number(l, "eval_predicted"), number(e, "masked_tokens"));
            assertEquals(Math.exp(number(e, "loss")), number(e, "perplexity"), 1e-9);
        }
    }

    @Test
    void twoModelsAreScoredOnTheSameMasksAndTrainingLowersTheLoss() throws IOException {
        // An untrained model of the same shape and tokenizer, as an HF folder.
        Path step6 = run.resolve("checkpoints/step-6"), untrained = tmp.resolve("untrained");
        HfCheckpoint.save(new BertForMaskedLM(HfCheckpoint.readConfig(step6), new Rng(5), new Rng(6)), untrained);
        TokenizerFiles.save(TokenizerFiles.load(step6), untrained);

        Map<String, Object> trained = evalJson(step6), random = evalJson(untrained);
        assertEquals(trained.get("masked_tokens"), random.get("masked_tokens"));
        assertTrue(number(trained, "loss") < number(random, "loss"), trained + " vs " + random);
        assertEquals(trained, evalJson(step6), "an evaluation is repeatable: eval mode, fixed masks");

        Map<String, Object> otherSeed = evalJson(step6, "--seed", "7");
        assertNotEquals(trained.get("loss"), otherSeed.get("loss"), "--seed draws other masks");
        Map<String, Object> oneByOne = evalJson(step6, "--batch", "1");
        assertEquals(trained.get("masked_tokens"), oneByOne.get("masked_tokens"), "the masks do not depend on the batch size");
        assertEquals(number(trained, "loss"), number(oneByOne, "loss"), 1e-5);
    }

    @Test
    void jsonNamesWhatWasScoredAndTheLineReadsLikePretrainsEvaluation() {
        Map<String, Object> j = evalJson(run.resolve("checkpoints/step-6"));
        assertEquals(List.of("task", "model", "data", "held_out", "seed", "whole_word", "max_len", "sequences", "masked_tokens", "loss",
                "perplexity", "accuracy"), List.copyOf(j.keySet()));
        assertEquals("mlm", j.get("task"));
        assertEquals(List.of(heldOut.toString()), j.get("data"));
        assertEquals(false, j.get("held_out"), "files are scored whole");
        assertEquals(32L, ((Number) j.get("max_len")).longValue(), "the default follows the model's 32 positions");
        assertEquals(1L, ((Number) j.get("seed")).longValue());

        Result r = eval("--model", run.resolve("checkpoints/step-6").toString(), "--task", "mlm", "--data", heldOut.toString(), "--device", "cpu");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("mlm on \\S+held-out.txt: MLM loss \\d+\\.\\d{4}, perplexity \\d+\\.\\d, masked-token accuracy \\d+\\.\\d% "
                + "\\(\\d+ masked tokens in " + j.get("sequences") + " sequences of up to 32 tokens\\)\\s*"), r.out());
    }

    @Test
    void helpDescribesTheMlmTask() {
        Result r = eval("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("--task mlm --data default|FILE...") && r.out().contains("pretrain --data default --seed S"), r.out());
        assertEquals(r.out(), eval("--task", "mlm", "--help").out());
    }

    @Test
    void errorsAreOneLineWithExitCode2() throws IOException {
        Path step6 = run.resolve("checkpoints/step-6");
        assertError("--task mlm needs --data default|FILE...", "--model", step6.toString(), "--task", "mlm");
        assertError(tmp.resolve("missing") + ": model folder not found\n", "--model", tmp.resolve("missing").toString(), "--task", "mlm",
                "--data", heldOut.toString());
        assertError(tmp.resolve("nothing.txt") + ": no such file", "--model", step6.toString(), "--task", "mlm", "--data",
                tmp.resolve("nothing.txt").toString());
        assertError("--max-len 64 is above the 32 positions of the model " + step6 + " (max_position_embeddings in its config.json)",
                "--model", step6.toString(), "--task", "mlm", "--data", heldOut.toString(), "--max-len", "64");

        Path empty = Files.writeString(tmp.resolve("empty.txt"), "\n\n");
        assertError(empty + ": only blank lines", "--model", step6.toString(), "--task", "mlm", "--data", empty.toString());
        Path short_ = Files.writeString(tmp.resolve("short.txt"), "the whale\n");
        assertError("no text to score in " + short_ + ": fewer than the 8 tokens a packed sequence needs at least",
                "--model", step6.toString(), "--task", "mlm", "--data", short_.toString());

        // A classifier fine-tuned from the checkpoint has no masked-LM head.
        Path classifier = tmp.resolve("classifier");
        HfCheckpoint.save(new BertForSequenceClassification(HfCheckpoint.readConfig(step6).withLabels(List.of("a", "b")), new Rng(1), new Rng(2)),
                classifier);
        TokenizerFiles.save(TokenizerFiles.load(step6), classifier);
        assertError(classifier.resolve("model.safetensors") + " has no masked-LM head", "--model", classifier.toString(), "--task", "mlm",
                "--data", heldOut.toString());

        // A tokenizer with more tokens than the model's embedding rows.
        Path small = Files.createDirectories(tmp.resolve("small-vocab"));
        try (var files = Files.list(step6)) {
            for (Path f : files.toList()) Files.copy(f, small.resolve(f.getFileName()));
        }
        int vocab = HfCheckpoint.readConfig(step6).vocabSize();
        Files.writeString(small.resolve("config.json"), Files.readString(small.resolve("config.json"))
                .replace("\"vocab_size\": " + vocab, "\"vocab_size\": 20"));
        assertError(small + ": the tokenizer has " + TokenizerFiles.load(step6).vocab().size() + " tokens but the model only 20 (vocab_size in config.json)",
                "--model", small.toString(), "--task", "mlm", "--data", heldOut.toString());
    }

    static void assertError(String expected, String... args) {
        Result r = eval(args);
        assertEquals(2, r.code(), "exit code for " + List.of(args) + ": " + r.out());
        assertTrue(r.err().startsWith("trainer eval: ") && r.err().contains(expected), "expected '" + expected + "' in " + r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    }
}
