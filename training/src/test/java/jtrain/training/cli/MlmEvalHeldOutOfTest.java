package jtrain.training.cli;

import static jtrain.training.cli.MlmEvalCommandTest.assertError;
import static jtrain.training.cli.MlmEvalCommandTest.eval;
import static jtrain.training.cli.MlmEvalCommandTest.number;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jtrain.engine.Rng;
import jtrain.engine.io.Json;
import jtrain.training.data.DataCache;
import jtrain.training.data.Datasets;
import jtrain.training.data.Document;
import jtrain.training.tokenizer.BertNormalizer;
import jtrain.training.tokenizer.BertTokenizer;
import jtrain.training.tokenizer.TokenizerFiles;
import jtrain.training.tokenizer.Vocab;
import jtrain.transformer.BertForMaskedLM;
import jtrain.transformer.HfCheckpoint;

/**
 * ./trainer eval --task mlm --held-out-of RUN_DIR: any model scored on the held-out text of a pretraining run, with that
 * run's sequences and masks, on one tiny run over a file corpus (built once for the class).
 */
class MlmEvalHeldOutOfTest {
    @TempDir
    static Path tmp;
    static Path corpus, run, step6;

    /** A 6-step run on PretrainCommandTest's corpus with held-out evaluations at steps 3 and 6 (MlmEvalCommandTest's). */
    @BeforeAll
    static void pretrainOnce() {
        run = tmp.resolve("run");
        corpus = pretrain(run, "--model", "1,32,2,64", "--steps", "6", "--vocab-size", "150", "--min-frequency", "1", "--eval-every", "3", "--save-every", "3");
        step6 = run.resolve("checkpoints/step-6");
    }

    /** A tiny run on a fresh copy of the corpus in the run's folder's parent; returns the corpus file. */
    static Path pretrain(Path out, String... extra) {
        try {
            Path data = PretrainCommandTest.corpus(Files.createDirectories(out.resolveSibling(out.getFileName() + "-data")));
            List<String> a = new ArrayList<>(List.of("--data", data.toString(), "--max-len", "32", "--batch", "4",
                    "--log-every", "1", "--device", "cpu", "--out", out.toString()));
            a.addAll(List.of(extra));
            PretrainCommandTest.Result r = PretrainCommandTest.pretrain(a.toArray(String[]::new));
            assertEquals(0, r.code(), r.err());
            return data;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The --json object of eval --held-out-of runDir. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> scoreOn(Path runDir, Path model, String... extra) {
        List<String> a = new ArrayList<>(List.of("--model", model.toString(), "--task", "mlm", "--held-out-of", runDir.toString(),
                "--device", "cpu", "--json"));
        a.addAll(List.of(extra));
        MlmEvalCommandTest.Result r = eval(a.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        return (Map<String, Object>) Json.parse(r.out());
    }

    /** The held-out evaluation a run logged for a step (its line in metrics.jsonl). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> logged(Path runDir, int step) throws IOException {
        for (String line : Files.readAllLines(runDir.resolve("metrics.jsonl"))) {
            Map<String, Object> m = (Map<String, Object>) Json.parse(line);
            if (m.containsKey("eval_loss") && ((Number) m.get("step")).intValue() == step) return m;
        }
        throw new AssertionError("no evaluation of step " + step + " in " + runDir.resolve("metrics.jsonl"));
    }

    static void assertScoresTheLoggedEvaluation(Path runDir, Path model, int step) throws IOException {
        Map<String, Object> e = scoreOn(runDir, model), l = logged(runDir, step);
        assertEquals(number(l, "eval_loss"), number(e, "loss"), model + ": bit for bit the held-out loss logged at step " + step);
        assertEquals(number(l, "eval_accuracy"), number(e, "accuracy"));
        assertEquals(number(l, "eval_predicted"), number(e, "masked_tokens"));
    }

    @Test
    void aCheckpointScoresExactlyTheHeldOutLossItsRunLoggedWithoutNamingTheText() throws IOException {
        assertScoresTheLoggedEvaluation(run, run.resolve("checkpoints/step-3"), 3);
        assertScoresTheLoggedEvaluation(run, step6, 6);

        Map<String, Object> j = scoreOn(run, step6);
        assertEquals(List.of("task", "model", "data", "held_out_of", "held_out", "seed", "whole_word", "max_len", "sequences",
                "masked_tokens", "loss", "perplexity", "accuracy"), List.copyOf(j.keySet()));
        assertEquals(List.of(corpus.toAbsolutePath().normalize().toString()), j.get("data"), "the run's --data, from its run_config.json");
        assertEquals(run.toString(), j.get("held_out_of"));
        assertEquals(true, j.get("held_out"));
        assertEquals(32L, ((Number) j.get("max_len")).longValue());

        MlmEvalCommandTest.Result line = eval("--model", step6.toString(), "--task", "mlm", "--held-out-of", run.toString(), "--device", "cpu");
        assertEquals(0, line.code(), line.err());
        assertTrue(line.out().startsWith("mlm on the held-out text of " + run + ": MLM loss "), line.out());
    }

    @Test
    void helpDescribesHeldOutOf() {
        MlmEvalCommandTest.Result r = eval("--task", "mlm", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("--task mlm --held-out-of RUN_DIR") && r.out().contains("RUN_DIR/run_config.json"), r.out());
    }

    @Test
    void theRunsOwnOptionsMayBeRepeatedAndTheBatchSizeChangesNoMask() {
        Map<String, Object> plain = scoreOn(run, step6);
        assertEquals(plain, scoreOn(run, step6, "--seed", "1", "--max-len", "32"), "the run's own values are accepted");
        Map<String, Object> oneByOne = scoreOn(run, step6, "--batch", "1");
        assertEquals(plain.get("masked_tokens"), oneByOne.get("masked_tokens"));
        assertEquals(number(plain, "loss"), number(oneByOne, "loss"), 1e-5, "padding changes the rounding only");
    }

    @Test
    void anotherModelWithTheRunsTokenizerIsScoredOnTheSameMasks() throws IOException {
        Path untrained = tmp.resolve("untrained");
        HfCheckpoint.save(new BertForMaskedLM(HfCheckpoint.readConfig(step6), new Rng(5), new Rng(6)), untrained);
        TokenizerFiles.save(TokenizerFiles.load(step6), untrained);
        Map<String, Object> trained = scoreOn(run, step6), random = scoreOn(run, untrained);
        assertEquals(trained.get("masked_tokens"), random.get("masked_tokens"));
        assertTrue(number(trained, "loss") < number(random, "loss"), trained + " vs " + random);
    }

    @Test
    void theInitModelOfAContinualRunScoresTheStepZeroLossThatRunLogged() throws IOException {
        Path continual = tmp.resolve("continual");
        pretrain(continual, "--init", step6.toString(), "--steps", "2", "--eval-every", "2", "--save-every", "2");
        assertScoresTheLoggedEvaluation(continual, step6, 0);
        assertScoresTheLoggedEvaluation(continual, continual.resolve("checkpoints/step-2"), 2);
    }

    @Test
    void aModelWithAnotherTokenizerIsRefusedNamingBothTokenizers() throws IOException {
        // The run's weights with the run's tokens in another order: the ids, and so the masks' targets, differ.
        Path shuffled = Files.createDirectories(tmp.resolve("shuffled"));
        HfCheckpoint.save(HfCheckpoint.loadMaskedLM(step6), shuffled);
        BertTokenizer tok = TokenizerFiles.load(step6);
        List<String> tokens = new ArrayList<>(tok.vocab().tokens());
        Collections.reverse(tokens.subList(10, tokens.size())); // the special tokens keep their ids
        TokenizerFiles.save(new BertTokenizer(new Vocab(tokens)), shuffled);

        int size = tok.vocab().size();
        assertError("the tokenizer of " + shuffled + " (" + size + " tokens) is not the run's " + run.resolve("tokenizer") + " (" + size
                + " tokens): another vocabulary or other special tokens", "--model", shuffled.toString(), "--task", "mlm",
                "--held-out-of", run.toString(), "--device", "cpu");
    }

    @Test
    void aModelWithFewerPositionsThanTheRunsSequencesIsRefused() throws IOException {
        Path short_ = tmp.resolve("short-positions");
        HfCheckpoint.save(new BertForMaskedLM(HfCheckpoint.readConfig(step6).withMaxPositions(16), new Rng(5), new Rng(6)), short_);
        TokenizerFiles.save(TokenizerFiles.load(step6), short_);
        assertError("the run " + run + " packed its held-out text into sequences of up to 32 tokens (max_len in its run_config.json), "
                + "above the 16 positions of the model " + short_, "--model", short_.toString(), "--task", "mlm", "--held-out-of", run.toString());
    }

    @Test
    void aRunThatHeldOutNoDocumentIsRefused() throws IOException {
        // Three paragraphs of the corpus: with --seed 1 the 5% draw takes none of them, so the run evaluated nothing.
        Path small = Files.createDirectories(tmp.resolve("small")).resolve("three.txt");
        List<String> paragraphs = List.of(Files.readString(corpus).split("\n\n"));
        Files.writeString(small, String.join("\n\n", paragraphs.subList(0, 3)) + "\n");
        assertTrue(CorpusSources.load(List.of(small.toString()), 1, null, new PrintStream(PrintStream.nullOutputStream())).heldOut().isEmpty());
        Path smallRun = tmp.resolve("small-run");
        PretrainCommandTest.Result r = PretrainCommandTest.pretrain("--data", small.toString(), "--tokenizer", run.resolve("tokenizer").toString(),
                "--model", "1,32,2,64", "--max-len", "32", "--batch", "4", "--steps", "1", "--device", "cpu", "--out", smallRun.toString());
        assertEquals(0, r.code(), r.err());
        assertError("the run " + smallRun + " held out no documents (its corpus is too small for the 5% draw), so it logged no held-out loss",
                "--model", step6.toString(), "--task", "mlm", "--held-out-of", smallRun.toString());
    }

    @Test
    void optionsThatWouldChangeTheTextOrTheMasksAreRefusedByName() {
        String model = step6.toString(), config = run.resolve("run_config.json").toString();
        assertError("--data and --held-out-of cannot be combined", "--model", model, "--task", "mlm", "--held-out-of", run.toString(),
                "--data", corpus.toString());
        assertError("--seed 7 differs from the run's --seed 1 (" + config + ")", "--model", model, "--task", "mlm", "--held-out-of",
                run.toString(), "--seed", "7");
        assertError("--max-len 16 differs from the run's --max-len 32 (" + config + ")", "--model", model, "--task", "mlm",
                "--held-out-of", run.toString(), "--max-len", "16");
        assertError("--whole-word differs from the run, which masked single tokens (" + config + ")", "--model", model, "--task", "mlm",
                "--held-out-of", run.toString(), "--whole-word");
        assertError("--task mlm needs --data default|FILE... or --held-out-of RUN_DIR", "--model", model, "--task", "mlm");
    }

    @Test
    void aFolderThatIsNotAPretrainingRunOrLacksItsFilesIsNamed() throws IOException {
        String model = step6.toString();
        Path missing = tmp.resolve("no-such-run");
        assertError("--held-out-of " + missing + ": no such folder", "--model", model, "--task", "mlm", "--held-out-of", missing.toString());
        assertError("--held-out-of " + step6 + " is not a pretraining run folder (no run_config.json; it is a model folder",
                "--model", model, "--task", "mlm", "--held-out-of", step6.toString());

        // finetune's run folders have a run_config.json too, marked with the kind of run.
        Path finetune = Files.createDirectories(tmp.resolve("finetune-run"));
        Files.writeString(finetune.resolve("run_config.json"), "{\"run\": \"" + FinetuneConfig.RUN + "\", \"task\": \"pos\"}");
        assertError("--held-out-of " + finetune + " is a finetune run, not a pretraining run", "--model", model, "--task", "mlm",
                "--held-out-of", finetune.toString());

        Path noTokenizer = Files.createDirectories(tmp.resolve("no-tokenizer"));
        Files.copy(run.resolve("run_config.json"), noTokenizer.resolve("run_config.json"));
        assertError("--held-out-of " + noTokenizer + " lacks the run's tokenizer folder " + noTokenizer.resolve("tokenizer"),
                "--model", model, "--task", "mlm", "--held-out-of", noTokenizer.toString());

        Path gone = tmp.resolve("gone/corpus.txt");
        Path moved = copyOfRun("moved", gone, true);
        assertError(gone + ": no such file (a file of the run, named in " + moved.resolve("run_config.json") + ")",
                "--model", model, "--task", "mlm", "--held-out-of", moved.toString());
    }

    @Test
    void heldOutTextChangedSinceTheRunIsRefusedByItsRecordedFingerprint() throws IOException {
        Path edited = editedHeldOutParagraph("edited", " the old whale watched the night sea.");
        Path copy = copyOfRun("edited-run", edited, true);
        String recorded = (String) Json.parseObject(Files.readString(run.resolve("run_config.json")), "run_config").get("held_out_fingerprint");
        assertNotNull(recorded, "pretrain records its held-out sequences");
        assertError("the held-out text of " + copy + " is not the text its run evaluated on: its sequences have fingerprint ",
                "--model", step6.toString(), "--task", "mlm", "--held-out-of", copy.toString(), "--device", "cpu");
        assertError("the run recorded " + recorded + " (held_out_fingerprint in " + copy.resolve("run_config.json") + "); a file of its --data "
                + edited + " changed since the run", "--model", step6.toString(), "--task", "mlm", "--held-out-of", copy.toString());
    }

    @Test
    void aRunWithoutARecordedFingerprintIsCheckedByTheTokensItsEvaluationsMasked() throws IOException {
        Path copy = copyOfRun("older-run", corpus, false);
        assertScoresTheLoggedEvaluation(copy, step6, 6);

        Path edited = editedHeldOutParagraph("edited-older", " the old whale watched the night sea.".repeat(6));
        Path changed = copyOfRun("older-edited-run", edited, false);
        assertError("the held-out text of " + changed + " is not the text its run evaluated on: the masks cover ",
                "--model", step6.toString(), "--task", "mlm", "--held-out-of", changed.toString());
        assertError("the run logged " + ((Number) logged(run, 6).get("eval_predicted")).longValue() + " (eval_predicted in "
                + changed.resolve("metrics.jsonl") + ")", "--model", step6.toString(), "--task", "mlm", "--held-out-of", changed.toString());
    }

    /** A copy of the corpus in its own folder, with text added to the first paragraph the run held out. */
    static Path editedHeldOutParagraph(String folder, String added) throws IOException {
        List<Document> held = CorpusSources.load(List.of(corpus.toString()), 1, null, new PrintStream(PrintStream.nullOutputStream())).heldOut();
        String paragraph = held.getFirst().text(), text = Files.readString(corpus);
        assertTrue(text.contains(paragraph));
        Path edited = Files.createDirectories(tmp.resolve(folder)).resolve("corpus.txt");
        Files.writeString(edited, text.replace(paragraph, paragraph + added));
        return edited;
    }

    /**
     * The run's run_config.json (with --data replaced by dataFile, and without the held-out fingerprint unless
     * withFingerprint, as a run from before it was recorded), tokenizer and metrics, in a folder of its own.
     */
    static Path copyOfRun(String name, Path dataFile, boolean withFingerprint) throws IOException {
        Path copy = Files.createDirectories(tmp.resolve(name));
        Map<String, Object> config = Json.parseObject(Files.readString(run.resolve("run_config.json")), "run_config.json");
        config.put("data", List.of(dataFile.toString()));
        if (!withFingerprint) assertNotNull(config.remove("held_out_fingerprint"));
        Files.writeString(copy.resolve("run_config.json"), Json.writePretty(config), StandardCharsets.UTF_8);
        Files.copy(run.resolve("metrics.jsonl"), copy.resolve("metrics.jsonl"));
        Path tok = Files.createDirectories(copy.resolve("tokenizer"));
        try (var files = Files.list(run.resolve("tokenizer"))) {
            for (Path f : files.toList()) Files.copy(f, tok.resolve(f.getFileName()));
        }
        return copy;
    }

    /** The default corpus (from the data cache; skipped without it: tests never download). */
    @Test
    void aDefaultCorpusRunsCheckpointScoresItsLoggedLoss() throws IOException {
        DataCache cache = DataCache.open(DataCache.defaultRoot(null));
        assumeTrue(cache.isInstalled(Datasets.BROWN) && cache.isInstalled(Datasets.SOTU) && cache.isInstalled(Datasets.MOBY_DICK),
                "skipped: the default corpus is not in " + cache.root() + " (run ./trainer data fetch)");
        Path defaultRun = tmp.resolve("default-run");
        PretrainCommandTest.Result r = PretrainCommandTest.pretrain("--data", "default", "--tokenizer", run.resolve("tokenizer").toString(),
                "--model", "1,32,2,64", "--max-len", "32", "--batch", "4", "--steps", "1", "--seed", "3", "--device", "cpu",
                "--out", defaultRun.toString());
        assertEquals(0, r.code(), r.err());
        assertScoresTheLoggedEvaluation(defaultRun, defaultRun.resolve("checkpoints/step-1"), 1);
        assertEquals(List.of("default"), scoreOn(defaultRun, defaultRun.resolve("checkpoints/step-1")).get("data"));

        // The run's vocabulary without lower-casing: Brown's capitals become other ids, so the masks would not be the run's.
        Path cased = Files.createDirectories(tmp.resolve("cased"));
        HfCheckpoint.save(HfCheckpoint.loadMaskedLM(defaultRun.resolve("checkpoints/step-1")), cased);
        BertTokenizer tok = TokenizerFiles.load(defaultRun.resolve("tokenizer"));
        assertTrue(tok.normalizer().lowercase());
        BertNormalizer n = tok.normalizer();
        TokenizerFiles.save(new BertTokenizer(new BertNormalizer(n.cleanText(), n.handleChineseChars(), n.stripAccents(), false), tok.model(),
                tok.specialTokens(), Set.of()), cased);
        assertError("the tokenizer of " + cased + " (" + tok.vocab().size() + " tokens) is not the run's " + defaultRun.resolve("tokenizer")
                + " (" + tok.vocab().size() + " tokens): the same vocabulary, but it gives the held-out text other ids",
                "--model", cased.toString(), "--task", "mlm", "--held-out-of", defaultRun.toString(), "--device", "cpu");
    }
}
