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

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jtrain.engine.Rng;
import jtrain.engine.io.Folders;
import jtrain.engine.io.Json;
import jtrain.training.run.Checkpointer;
import jtrain.training.run.RunFolder;
import jtrain.training.run.RunLock;
import jtrain.training.tokenizer.TokenizerFiles;
import jtrain.transformer.HfCheckpoint;

/** ./trainer pretrain and ./trainer tokenizer train on a small synthetic corpus file. */
class PretrainCommandTest {
    @TempDir
    Path tmp;

    /** Exit code, stdout and stderr of one command. */
    record Result(int code, String out, String err) {}

    static Result pretrain(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = PretrainCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    Path corpus() throws IOException {
        return corpus(tmp);
    }

    /** dir/corpus.txt: paragraphs of random sentences over a small vocabulary. */
    static Path corpus(Path dir) throws IOException {
        String[] words = {"the", "old", "whale", "ship", "sea", "captain", "sailed", "white", "deep", "harpoon", "crew", "storm",
                "island", "rope", "mast", "wave", "salt", "night", "morning", "boat", "line", "watched", "north", "south"};
        Rng r = new Rng(11);
        List<String> paragraphs = new ArrayList<>();
        for (int p = 0; p < 80; p++) {
            StringBuilder sb = new StringBuilder();
            for (int w = 0; w < 40; w++) sb.append(words[r.nextInt(words.length)]).append(w % 8 == 7 ? ". " : " ");
            paragraphs.add(sb.toString().trim());
        }
        Path f = dir.resolve("corpus.txt");
        Files.writeString(f, String.join("\n\n", paragraphs) + "\n");
        return f;
    }

    String[] tinyRun(Path corpus, Path run, String... extra) {
        List<String> a = new ArrayList<>(List.of("--data", corpus.toString(), "--model", "1,32,2,64", "--max-len", "32",
                "--batch", "4", "--steps", "6", "--vocab-size", "150", "--min-frequency", "1", "--eval-every", "3",
                "--save-every", "3", "--log-every", "1", "--out", run.toString()));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    @Test
    void pretrainWritesARunFolderWhoseCheckpointsAreHfModelFolders() throws IOException {
        Path run = tmp.resolve("run");
        Result r = pretrain(tinyRun(corpus(), run));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("held-out MLM loss"), r.out());

        assertTrue(Files.readString(run.resolve("run_config.json")).contains("\"model\": \"1,32,2,64\""));
        assertTrue(Files.readString(run.resolve("run_config.json")).contains(Json.write(tmp.resolve("corpus.txt").toAbsolutePath().normalize().toString())),
                "files are named absolutely, so --resume works from any folder");
        assertEquals(6 + 2, Files.readAllLines(run.resolve("metrics.jsonl")).size(), "a line per step and per evaluation");
        Path last = run.resolve("checkpoints/step-6");
        assertEquals("step-6", Files.readString(run.resolve("checkpoints/latest")).trim());
        Checkpointer.verify(last);
        assertTrue(TokenizerFiles.load(run.resolve("tokenizer")).vocab().size() <= 150, "the trained tokenizer is kept in the run");
        // Any checkpoint loads like a Hugging Face folder: weights, config and tokenizer.
        assertNotNull(HfCheckpoint.loadMaskedLM(last));
        assertNotNull(TokenizerFiles.load(last));
    }

    @Test
    void profilePrintsTheTimeOfEachPrimitiveByPhase() throws IOException {
        Result r = pretrain(tinyRun(corpus(), tmp.resolve("run"), "--profile"));
        assertEquals(0, r.code(), r.err());
        for (String row : List.of("forward    matmul", "backward   matmul", "optimizer  adamw", "eval       matmul", "outside primitives")) {
            assertTrue(r.out().contains(row), row + " in\n" + r.out());
        }
        // The header's columns stand over the rows' (calls is as wide as bench's calls/step).
        String header = r.out().lines().filter(l -> l.startsWith("phase ")).findFirst().orElseThrow();
        String row = r.out().lines().filter(l -> l.startsWith("forward    matmul ")).findFirst().orElseThrow();
        assertEquals(row.length(), header.length(), header + "\n" + row);
    }

    @Test
    void resumeContinuesAStoppedRunAndRefusesChangedOptions() throws IOException {
        Path corpus = corpus(), run = tmp.resolve("run");
        assertEquals(0, pretrain(tinyRun(corpus, run, "--stop-after", "3")).code());
        assertEquals("step-3", Files.readString(run.resolve("checkpoints/latest")).trim());

        Result changed = pretrain("--out", run.toString(), "--resume", "--lr", "0.1");
        assertEquals(2, changed.code());
        assertTrue(changed.err().contains("--lr 0.1 differs from the run's 5.0E-4"), changed.err());

        Result repeated = pretrain("--out", run.toString(), "--resume", "--stop-after", "3"); // a job script run twice
        assertEquals(0, repeated.code(), repeated.err());
        assertTrue(repeated.out().contains("--stop-after 3 is not after the checkpoint's step 3: nothing to train in this invocation"),
                repeated.out());
        assertEquals("step-3", Files.readString(run.resolve("checkpoints/latest")).trim());

        Result resumed = pretrain("--out", run.toString(), "--resume");
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("resuming from"), resumed.out());
        assertEquals("step-6", Files.readString(run.resolve("checkpoints/latest")).trim());
        assertEquals(6 + 2, Files.readAllLines(run.resolve("metrics.jsonl")).size());
        assertFalse(resumed.out().contains("the run is complete"), resumed.out());

        Result finished = pretrain("--out", run.toString(), "--resume");
        assertEquals(0, finished.code(), finished.err());
        assertTrue(finished.out().contains("(step 6 of 6: the run is complete, nothing is left to train; --steps N above 6 extends it)"), finished.out());
        assertEquals(6 + 2, Files.readAllLines(run.resolve("metrics.jsonl")).size(), "nothing logged again");
    }

    @Test
    void aResumeSaysWhichMetricsWereLostWhenMetricsJsonlWasDeletedOrCutShortAndGoesOn() throws IOException {
        // Up to the step-3 checkpoint the run logs 4 lines: steps 1, 2 and 3, and the evaluation of step 3.
        Path corpus = corpus(), deleted = tmp.resolve("deleted"), cut = tmp.resolve("cut");
        assertEquals(0, pretrain(tinyRun(corpus, deleted, "--stop-after", "3")).code());
        Files.delete(deleted.resolve("metrics.jsonl"));
        Result resumed = pretrain("--out", deleted.toString(), "--resume");
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("note: " + deleted.resolve("metrics.jsonl") + " is missing: the metrics logged up to step 3 "
                + "(4 lines) are lost; the run goes on, logging from step 4 into a new file\n"), resumed.out());
        List<String> lines = Files.readAllLines(deleted.resolve("metrics.jsonl"));
        assertEquals(3 + 1, lines.size(), "steps 4 to 6 and the evaluation of step 6");
        assertTrue(lines.getFirst().startsWith("{\"step\":4,"), lines.getFirst());

        assertEquals(0, pretrain(tinyRun(corpus, cut, "--stop-after", "3")).code());
        Path metrics = cut.resolve("metrics.jsonl");
        Files.write(metrics, Files.readAllLines(metrics).subList(0, 1)); // cut short by hand
        Result partly = pretrain("--out", cut.toString(), "--resume", "--stop-after", "4");
        assertTrue(partly.out().contains("note: " + metrics + " holds 1 of the 4 lines logged up to step 3 (deleted or cut short): the other 3 "
                + "are lost; the run goes on, logging from step 4\n"), partly.out());
        Result next = pretrain("--out", cut.toString(), "--resume");
        assertEquals(0, next.code(), next.err());
        assertFalse(next.out().contains("note:"), "the step-4 checkpoint counts the lines the file holds since: " + next.out());
        assertEquals(1 + 3 + 1, Files.readAllLines(metrics).size());
    }

    @Test
    void recomputeIsSavedWithTheRunKeptByResumeAndMaySwitch() throws IOException {
        Path corpus = corpus(), run = tmp.resolve("run");
        Result first = pretrain(tinyRun(corpus, run, "--recompute", "--stop-after", "2"));
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().contains("; activation checkpointing (--recompute)"), first.out());
        assertTrue(Files.readString(run.resolve("run_config.json")).contains("\"recompute\": true"));

        Result kept = pretrain("--out", run.toString(), "--resume", "--stop-after", "4");
        assertEquals(0, kept.code(), kept.err());
        assertTrue(kept.out().contains("; activation checkpointing (--recompute)"), "kept from run_config.json: " + kept.out());
        Result off = pretrain("--out", run.toString(), "--resume", "--no-recompute");
        assertEquals(0, off.code(), off.err());
        assertFalse(off.out().contains("activation checkpointing"), off.out());
        assertEquals("step-6", Files.readString(run.resolve("checkpoints/latest")).trim());
    }

    @Test
    void resumeRefusesHeldOutTextChangedSinceTheRunStarted() throws IOException {
        Path corpus = corpus(), run = tmp.resolve("run");
        assertEquals(0, pretrain(tinyRun(corpus, run, "--stop-after", "3")).code());
        String recorded = (String) Json.parseObject(Files.readString(run.resolve("run_config.json")), "run_config").get("held_out_fingerprint");
        assertNotNull(recorded, "the held-out sequences are recorded when the run starts");

        // Only a held-out paragraph changes: the training sequences (checked by the checkpoint) stay the same.
        String heldOut = CorpusSources.load(List.of(corpus.toString()), 1, null, new PrintStream(PrintStream.nullOutputStream()))
                .heldOut().getFirst().text();
        Files.writeString(corpus, Files.readString(corpus).replace(heldOut, heldOut + " the crew watched the storm."));
        Result resumed = pretrain("--out", run.toString(), "--resume");
        assertEquals(2, resumed.code(), resumed.out());
        assertTrue(resumed.err().contains(run.resolve("run_config.json") + ": the run evaluated on other held-out text (fingerprint "
                + recorded + ", now "), resumed.err());
    }

    /** A second corpus over other words: the new domain a checkpoint is adapted to. */
    Path newDomain() throws IOException {
        Rng r = new Rng(12);
        String[] words = {"the", "old", "ship", "sailed", "north", "south", "crew", "watched"};
        StringBuilder sb = new StringBuilder();
        for (int p = 0; p < 60; p++) {
            for (int w = 0; w < 40; w++) sb.append(words[r.nextInt(words.length)]).append(w % 8 == 7 ? ". " : " ");
            sb.append("\n\n");
        }
        return Files.writeString(tmp.resolve("new-domain.txt"), sb);
    }

    /** A continual run from the step-6 checkpoint of a tiny run, on the new-domain text. */
    String[] continualRun(Path init, Path run, String... extra) throws IOException {
        List<String> a = new ArrayList<>(List.of("--init", init.toString(), "--data", newDomain().toString(), "--batch", "4",
                "--steps", "4", "--eval-every", "2", "--save-every", "2", "--log-every", "1", "--out", run.toString()));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    Path tinyCheckpoint() throws IOException {
        assertEquals(0, pretrain(tinyRun(corpus(), tmp.resolve("general"))).code());
        return tmp.resolve("general/checkpoints/step-6");
    }

    @Test
    void initAdaptsACheckpointToANewCorpusAndResumesWithoutIt() throws IOException {
        Path init = tinyCheckpoint(), run = tmp.resolve("adapted");
        Result r = pretrain(continualRun(init, run, "--stop-after", "2"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("hidden 32, 2 heads, intermediate 64, vocabulary ") && r.out().contains(", from --init " + init), r.out());
        assertTrue(r.out().contains("step 0: held-out MLM loss"), "where the adaptation starts: " + r.out());
        Map<String, Object> config = new RunFolder(run).readConfig();
        assertEquals(init.toString(), config.get("init"));
        assertEquals(32L, ((Number) config.get("max_len")).longValue(), "--max-len defaults to the model's 32 positions");
        assertEquals(64, ((String) config.get("init_sha256")).length());
        assertEquals(Files.readString(init.resolve("vocab.txt")), Files.readString(run.resolve("tokenizer/vocab.txt")), "the init's tokenizer");

        Result other = pretrain("--out", run.toString(), "--resume", "--init", tmp.resolve("general/checkpoints/step-3").toString());
        assertEquals(2, other.code());
        assertTrue(other.err().contains("--init " + tmp.resolve("general/checkpoints/step-3") + " differs from the run's " + init), other.err());
        Result shaped = pretrain("--out", run.toString(), "--resume", "--vocab-size", "100");
        assertEquals("trainer pretrain: --init and --vocab-size cannot be combined: the model and its tokenizer come from the --init folder",
                shaped.err().strip());

        Folders.deleteTree(tmp.resolve("general"));
        Result resumed = pretrain("--out", run.toString(), "--resume", "--init", init.toString());
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("resuming from " + run.resolve("checkpoints/step-2")), resumed.out());
        assertEquals("step-4", Files.readString(run.resolve("checkpoints/latest")).trim());
        assertEquals(1 + 4 + 2, Files.readAllLines(run.resolve("metrics.jsonl")).size(), "step 0's evaluation, 4 steps, 2 evaluations");
    }

    @Test
    void initRefusesOptionsThatShapeTheModelOrTokenizer() throws IOException {
        Path init = tinyCheckpoint(), out = tmp.resolve("x");
        for (String[] option : List.of(new String[] {"--model", "tiny"}, new String[] {"--tokenizer", init.toString()},
                new String[] {"--vocab-size", "100"}, new String[] {"--min-frequency", "1"})) {
            assertError("--init and " + option[0] + " cannot be combined: the model and its tokenizer come from the --init folder",
                    "--init", init.toString(), option[0], option[1], "--out", out.toString());
        }
        assertError("--max-len 64 is above the 32 positions of the --init model " + init.toAbsolutePath()
                + " (max_position_embeddings in its config.json)", continualRun(init, out, "--max-len", "64"));
        assertFalse(Files.exists(out), "no folder for a run that could not start");
    }

    @Test
    void aRunWithAGivenTokenizerRecordsNoVocabularySizeAndResumesWithoutOne() throws IOException {
        Path corpus = corpus(), first = tmp.resolve("first"), run = tmp.resolve("run");
        assertEquals(0, pretrain(tinyRun(corpus, first, "--stop-after", "3")).code());
        String tokenizer = first.resolve("tokenizer").toString();
        String[] args = {"--data", corpus.toString(), "--tokenizer", tokenizer, "--model", "1,32,2,64", "--max-len", "32",
                "--batch", "4", "--steps", "6", "--save-every", "3", "--out", run.toString()};
        assertEquals(0, pretrain(args).code());

        // No tokenizer was trained, so run_config.json gives no size for one (null, as finetune writes an option that
        // does not apply), where it used to record the unused defaults 8000 and 2.
        Map<String, Object> config = Json.readObject(run.resolve("run_config.json"));
        assertTrue(config.containsKey("vocab_size") && config.get("vocab_size") == null, config.toString());
        assertTrue(config.containsKey("min_frequency") && config.get("min_frequency") == null, config.toString());

        // Giving one on --resume is refused as for a new run; a run folder written before (8000 and 2) still resumes.
        assertError("--tokenizer and --vocab-size cannot be combined", "--out", run.toString(), "--resume", "--vocab-size", "100");
        Files.writeString(run.resolve("run_config.json"), Files.readString(run.resolve("run_config.json"))
                .replace("\"vocab_size\": null", "\"vocab_size\": 8000").replace("\"min_frequency\": null", "\"min_frequency\": 2"));
        assertEquals(0, pretrain("--out", run.toString(), "--resume", "--steps", "7").code());
    }

    @Test
    void aGivenTokenizerRefusesTheOptionsThatTrainOneAndAResumeNamesWhatTheRunUsed() throws IOException {
        // With --tokenizer the vocabulary is that folder's: a --vocab-size beside it would be ignored, so it is refused.
        Path corpus = corpus(), run = tmp.resolve("run"), other = tmp.resolve("other");
        assertEquals(0, pretrain(tinyRun(corpus, run, "--stop-after", "3")).code());
        for (String[] option : List.of(new String[] {"--vocab-size", "100"}, new String[] {"--min-frequency", "1"})) {
            assertError("--tokenizer and " + option[0] + " cannot be combined: the vocabulary is the --tokenizer folder's (--vocab-size and "
                    + "--min-frequency set the tokenizer a run trains without one)",
                    "--data", corpus.toString(), "--tokenizer", run.resolve("tokenizer").toString(), option[0], option[1], "--out", other.toString());
        }
        assertFalse(Files.exists(other), "no folder for a run that could not start");
        // The run trained its own tokenizer: resuming it with one is refused, saying so (not "the run's null").
        assertError("--tokenizer " + run.resolve("tokenizer").toAbsolutePath() + " differs from the run's none (it trained its own) ("
                + run.resolve("run_config.json") + "); a resumed run keeps its options",
                "--out", run.toString(), "--resume", "--tokenizer", run.resolve("tokenizer").toString());
    }

    @Test
    void initNeedsAMaskedLmFolderWithATokenizer() throws IOException {
        Path init = tinyCheckpoint(), out = tmp.resolve("x");
        Path noTokenizer = Files.createDirectories(tmp.resolve("weights-only"));
        for (String f : List.of("config.json", "model.safetensors")) Files.copy(init.resolve(f), noTokenizer.resolve(f));
        assertError(noTokenizer.toAbsolutePath() + " holds neither tokenizer.json nor vocab.txt", continualRun(noTokenizer, out));
        assertError("--init " + tmp.resolve("missing").toAbsolutePath() + ": model folder not found", continualRun(tmp.resolve("missing"), out));
        Path runFolder = init.getParent().getParent();
        // A run folder for one of its checkpoints: the error names the latest, as eval and fill-mask do.
        Path latest = runFolder.toAbsolutePath().resolve("checkpoints").resolve(Files.readString(runFolder.resolve("checkpoints/latest")).strip());
        assertError("--init " + runFolder.toAbsolutePath() + " holds no config.json (it is not a model folder but holds some: give one of "
                + "them, e.g. " + latest + ")", continualRun(runFolder, out));
        assertFalse(Files.exists(out), "no folder for a run that could not start");

        // A classifier fine-tuned from the checkpoint: an encoder without the masked-LM head.
        Path classifier = tmp.resolve("classifier");
        var model = new jtrain.transformer.BertForSequenceClassification(HfCheckpoint.readConfig(init).withLabels(List.of("a", "b")),
                new Rng(1), new Rng(2));
        HfCheckpoint.save(model, classifier);
        TokenizerFiles.save(TokenizerFiles.load(init), classifier);
        String noHead = classifier.toAbsolutePath().resolve("model.safetensors") + " has no masked-LM head";
        assertError(noHead, continualRun(classifier, out));
        assertFalse(Files.exists(out), "no folder for a run that could not start");

        // The head is looked for (by the tensors' names) before the corpus is read, which for a big corpus takes long:
        // a corpus whose second line is broken is never reached.
        Path badCorpus = Files.writeString(tmp.resolve("bad.jsonl"), "{\"text\": \"the sea\"}\n{\"text\": \n");
        assertError(noHead, continualRun(classifier, out, "--data", badCorpus.toString()));
        assertTrue(pretrain(continualRun(init, out, "--data", badCorpus.toString())).err().contains("bad.jsonl:2"),
                "the same corpus is read, and fails, when the --init folder is fine");
    }

    @Test
    void initWeightsThatDoNotFitTheirConfigAreNamedBeforeTheCorpusIsRead() throws IOException {
        // A corpus whose second line is broken: reading it would fail, so an error about the folder proves it came first.
        Path init = tinyCheckpoint(), out = tmp.resolve("x");
        Path badCorpus = Files.writeString(tmp.resolve("bad.jsonl"), "{\"text\": \"the sea\"}\n{\"text\": \n");

        Path narrower = copyOf(init, "narrower"); // config.json edited by hand: the weights are still 64 wide
        Path config = narrower.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"intermediate_size\": 64", "\"intermediate_size\": 48"));
        assertError(narrower.toAbsolutePath().resolve("model.safetensors") + ": tensors do not fit the config: "
                + "bert.encoder.layer.0.intermediate.dense.weight is [64, 32] in the checkpoint but [48, 32] in the model",
                continualRun(narrower, out, "--data", badCorpus.toString()));

        Path partial = copyOf(init, "partial"); // a tensor lost from the weights
        Map<String, jtrain.engine.Tensor> weights = new java.util.LinkedHashMap<>(jtrain.engine.io.Safetensors.read(partial.resolve("model.safetensors")));
        weights.remove("bert.encoder.layer.0.output.LayerNorm.bias");
        jtrain.engine.io.Safetensors.write(partial.resolve("model.safetensors"), weights, Map.of("format", "pt"));
        assertError(partial.toAbsolutePath().resolve("model.safetensors") + ": missing tensors [bert.encoder.layer.0.output.LayerNorm.bias]",
                continualRun(partial, out, "--data", badCorpus.toString()));
        assertFalse(Files.exists(out), "no folder for a run that could not start");
    }

    @Test
    void aResumeBeforeTheFirstCheckpointChecksTheInitWeightsBeforeTheCorpusToo() throws IOException {
        // A run stopped before its first save starts again from the --init weights, so a resume checks them first,
        // as a new run does. The run's corpus is gone: an error about the folder proves it came before the corpus.
        Path init = copyOf(tinyCheckpoint(), "init"), run = tmp.resolve("adapted");
        assertEquals(0, pretrain(continualRun(init, run, "--stop-after", "2")).code());
        Folders.deleteTree(run.resolve("checkpoints")); // as if killed before its first checkpoint
        Files.delete(tmp.resolve("new-domain.txt"));
        Path config = init.resolve("config.json");
        String fitting = Files.readString(config);
        Files.writeString(config, fitting.replace("\"intermediate_size\": 64", "\"intermediate_size\": 48"));
        assertError(init.toAbsolutePath().resolve("model.safetensors") + ": tensors do not fit the config: "
                + "bert.encoder.layer.0.intermediate.dense.weight is [64, 32] in the checkpoint but [48, 32] in the model",
                "--out", run.toString(), "--resume");

        Files.writeString(config, fitting); // the folder fits again: the resume goes on to the corpus, and finds it gone
        Result r = pretrain("--out", run.toString(), "--resume");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("new-domain.txt") && r.err().contains("(a file of the run, named in " + run.resolve("run_config.json") + ")"), r.err());
    }

    /** A copy of a model folder's files under tmp/name. */
    Path copyOf(Path folder, String name) throws IOException {
        Path copy = Files.createDirectories(tmp.resolve(name));
        try (var files = Files.list(folder)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) Files.copy(f, copy.resolve(f.getFileName()));
        }
        return copy;
    }

    @Test
    void startingOverAnExistingRunIsRefused() throws IOException {
        Path corpus = corpus(), run = tmp.resolve("run");
        assertEquals(0, pretrain(tinyRun(corpus, run, "--steps", "1")).code());
        Result again = pretrain(tinyRun(corpus, run, "--steps", "1"));
        assertEquals(2, again.code());
        assertTrue(again.err().contains("already holds a run; add --resume"), again.err());
    }

    @Test
    void aFolderHoldingOtherFilesOrAFineTuningRunIsNeverWrittenOver() throws IOException {
        Path corpus = corpus(), mine = Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(mine.resolve("metrics.jsonl"), "my notes\n");
        Files.createDirectories(mine.resolve("checkpoints"));
        assertError("--out " + mine + " already holds files (checkpoints, metrics.jsonl) but no run (no run_config.json): choose a new "
                + "folder, or delete it first", tinyRun(corpus, mine));
        assertEquals("my notes\n", Files.readString(mine.resolve("metrics.jsonl")), "left as it was");
        assertFalse(Files.exists(mine.resolve(RunLock.FILE)), "not even locked");

        Path finetune = Files.createDirectories(tmp.resolve("finetune-run"));
        Files.writeString(finetune.resolve("run_config.json"), "{\"run\": \"finetune\", \"task\": \"seq\"}");
        assertError(finetune + " holds a fine-tuning run: choose another --out", tinyRun(corpus, finetune));
        assertError(finetune + " holds a fine-tuning run, not a pretraining run (" + finetune.resolve("run_config.json")
                + "): continue it with ./trainer finetune --out " + finetune + " --resume", "--out", finetune.toString(), "--resume");

        assertError("--out needs a folder name, got ''", tinyRun(corpus, Path.of("")));
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        assertError("--out " + file + " is a file, not a folder", tinyRun(corpus, file));
        Path leftLock = Files.createDirectories(tmp.resolve("left-lock"));
        Files.writeString(leftLock.resolve(RunLock.FILE), "pid=1\n");
        assertEquals(0, pretrain(tinyRun(corpus, leftLock, "--steps", "1")).code(), "a lock file of a process gone does not count");
    }

    @Test
    void aRunWhoseWeightsDivergeFailsEvenWhenItsTrainingLossesStayFinite() throws IOException {
        // At lr 1e6 the logged training losses are huge but finite; the held-out evaluation of step 3 overflows.
        Path run = tmp.resolve("diverged");
        Result r = pretrain(tinyRun(corpus(), run, "--lr", "1e6", "--steps", "3"));
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("became NaN at step ") && r.err().contains("lower the learning rate"), r.err());
        assertFalse(Files.exists(run.resolve("checkpoints/step-3")), "diverged weights are not checkpointed");
    }

    @Test
    void aWrongTypeInRunConfigNamesTheFieldAndTheValue() throws IOException {
        Path corpus = corpus(), run = tmp.resolve("run");
        assertEquals(0, pretrain(tinyRun(corpus, run, "--stop-after", "3")).code());
        Path config = run.resolve("run_config.json");
        String saved = Files.readString(config);
        Files.writeString(config, saved.replaceFirst("\"lr\": [^,]*", "\"lr\": \"fast\""));
        assertError(config + ": field 'lr' has the wrong type (\"fast\"; a number expected)", "--out", run.toString(), "--resume");
        Files.writeString(config, saved.replaceFirst("\"steps\": 6", "\"steps\": 6.5"));
        assertError(config + ": field 'steps' has the wrong type (6.5; a whole number expected)", "--out", run.toString(), "--resume");
        Files.writeString(config, saved.replaceFirst("\"batch\": 4", "\"batch\": 0"));
        assertError(config + ": --batch must be positive, got 0", "--out", run.toString(), "--resume");
        Files.writeString(config, saved.replaceFirst("\"whole_word\": false", "\"whole_word\": \"no\""));
        assertError(config + ": field 'whole_word' has the wrong type (\"no\"; true or false expected)", "--out", run.toString(), "--resume");
    }

    @Test
    void aRunFolderInUseByAnotherProcessIsRefusedBeforeItIsReadOrWritten() throws IOException {
        Path corpus = corpus(), run = tmp.resolve("run");
        String busy = run + " is in use by another trainer process (pid " + ProcessHandle.current().pid() + ", trainer pretrain, since ";
        try (RunLock other = RunLock.acquire(run, "pretrain")) {
            assertError(busy, tinyRun(corpus, run));
        }
        assertEquals(0, pretrain(tinyRun(corpus, run, "--stop-after", "3")).code(), "free again once the other one is done");
        try (RunLock other = RunLock.acquire(run, "pretrain")) {
            assertError(busy, "--out", run.toString(), "--resume");
        }
        assertEquals("step-3", Files.readString(run.resolve("checkpoints/latest")).trim(), "the refused resume changed nothing");
        try (RunLock other = RunLock.acquire(run, "pretrain")) {
            assertError(busy, tinyRun(corpus, run)); // in use, rather than "already holds a run"
        }
    }

    @Test
    void theLinePrintedOnCtrlCNamesTheCheckpointToResumeFrom() throws IOException {
        Path corpus = corpus(), run = tmp.resolve("run");
        RunFolder folder = new RunFolder(run);
        assertEquals("trainer pretrain: interrupted before the run started; nothing was saved in " + run, PretrainCommand.interrupted(folder));
        assertEquals(0, pretrain(tinyRun(corpus, run, "--stop-after", "3")).code());
        assertEquals("trainer pretrain: interrupted; the last complete checkpoint is " + run.resolve("checkpoints/step-3")
                + "; continue with: ./trainer pretrain --out " + run + " --resume", PretrainCommand.interrupted(folder));
        Folders.deleteTree(run.resolve("checkpoints"));
        assertEquals("trainer pretrain: interrupted before the first checkpoint; ./trainer pretrain --out " + run
                + " --resume starts the run again from step 0", PretrainCommand.interrupted(folder));
    }

    @Test
    void badArgumentsGiveOneLineAndExitCode2() {
        String out = tmp.resolve("x").toString();
        assertError("--out RUN_DIR is required", "--steps", "5");
        assertError("unknown option --bogus", "--bogus", "--out", out);
        assertError("--steps needs an integer, got 'ten'", "--steps", "ten", "--out", out);
        assertError("--lr needs a value", "--out", out, "--lr");
        if (!jtrain.cuda.Cuda.tryInit().available()) assertError("--device cuda: " + jtrain.cuda.Cuda.tryInit().reason(), "--device", "cuda", "--out", out);
        assertError("unknown precision 'fp16' (expected fp32, tf32 or bf16)", "--precision", "fp16", "--device", "cpu", "--out", out);
        assertError("--model must be tiny, mini, small, base or L,H,A,I, got 'huge'", "--model", "huge", "--out", out);
        assertError("--model 2,30,4,64: hidden size 30 is not a multiple of the 4 heads", "--model", "2,30,4,64", "--out", out);
        assertError("--schedule must be linear, cosine or constant", "--schedule", "exp", "--out", out);
        assertError("holds no run to resume", "--resume", "--out", out);
        assertError("no such file", "--data", tmp.resolve("missing.txt").toString(), "--out", out);
        assertFalse(Files.exists(tmp.resolve("x")), "no folder for a run that could not start");
    }

    @Test
    void aMaxLenAbove4096IsAllowedWithANoteOnStderrAboutAttentionMemory() throws IOException {
        Path small = Files.writeString(tmp.resolve("small.txt"), "the old whale sailed the deep sea at night.\n\nthe crew watched the white mast.\n");
        Path run = tmp.resolve("long");
        Result r = pretrain("--data", small.toString(), "--model", "1,32,2,64", "--max-len", "5000", "--batch", "1", "--steps", "1",
                "--vocab-size", "60", "--min-frequency", "1", "--out", run.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("note: --max-len 5000 makes a model of 5,000 positions; its attention scores alone take about 191 MiB per layer per "
                + "sequence (5000 x 5000 positions x 2 heads x 4 bytes)", r.err().strip());
        assertEquals(5000, HfCheckpoint.readConfig(run.resolve("checkpoints/step-1")).maxPositionEmbeddings());
    }

    @Test
    void filesOfTheSameNameInTwoFoldersAreTwoSources() throws IOException {
        Path a = corpus(Files.createDirectories(tmp.resolve("a"))), b = corpus(Files.createDirectories(tmp.resolve("b")));
        Result r = pretrain("--data", a.toString(), b.toString(), "--model", "1,32,2,64", "--max-len", "32", "--batch", "4",
                "--steps", "1", "--vocab-size", "150", "--min-frequency", "1", "--out", tmp.resolve("run").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("(?s).*corpus: 1[45]\\d training documents.*"), "both files' 80 paragraphs, 5% held out: " + r.out());
        assertError("is a folder; give the text files in it", "--data", tmp.resolve("a").toString(), "--out", tmp.resolve("x").toString());
    }

    @Test
    void helpIsPrintedWithExitCode0() {
        Result r = pretrain("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("--resume"));
        assertTrue(r.out().contains("--init DIR               continual pretraining"), r.out());
    }

    @Test
    void tokenizerTrainSavesALoadableTokenizer() throws IOException {
        Path dir = tmp.resolve("tok");
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = TokenizerCommand.run(new String[] {"train", "--corpus", corpus().toString(), "--vocab-size", "120",
                "--min-frequency", "1", "--out", dir.toString()}, new PrintStream(out), new PrintStream(err));
        assertEquals(0, code, err.toString());
        assertTrue(Files.exists(dir.resolve("vocab.txt")) && Files.exists(dir.resolve("tokenizer.json")));
        assertTrue(TokenizerFiles.load(dir).vocab().size() <= 120);

        err.reset();
        assertEquals(2, TokenizerCommand.run(new String[] {"train", "--out", dir.toString()}, new PrintStream(out), new PrintStream(err)));
        assertEquals("trainer tokenizer: --corpus default|FILE... is required", err.toString().trim());
    }

    Result tokenizerTrain(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        List<String> a = new ArrayList<>(List.of("train"));
        a.addAll(List.of(args));
        int code = TokenizerCommand.run(a.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void tokenizerTrainWritesOnlyIntoANewEmptyOrTokenizerFolder() throws IOException {
        Path corpus = Files.writeString(tmp.resolve("abc.txt"), "abc cab bca\n\nabc cab\n");
        Path file = Files.writeString(tmp.resolve("notes.txt"), "keep me");
        Result onFile = tokenizerTrain("--corpus", corpus.toString(), "--out", file.toString());
        assertEquals(2, onFile.code());
        assertEquals("trainer tokenizer: --out " + file + " is a file, not a folder", onFile.err().strip());
        assertEquals("keep me", Files.readString(file));

        // A model checkpoint: its vocab.txt must stay the one its weights were trained with.
        Path model = Files.createDirectories(tmp.resolve("model"));
        Files.writeString(model.resolve("config.json"), "{}");
        Files.writeString(model.resolve("vocab.txt"), "[PAD]\n[UNK]\n");
        Result onModel = tokenizerTrain("--corpus", corpus.toString(), "--out", model.toString());
        assertEquals(2, onModel.code());
        assertTrue(onModel.err().startsWith("trainer tokenizer: --out " + model + " holds files that are not a tokenizer's (config.json)"),
                onModel.err());
        assertEquals("[PAD]\n[UNK]\n", Files.readString(model.resolve("vocab.txt")));
        assertEquals("", onModel.out(), "refused before the corpus is read");

        Path tok = tmp.resolve("tok");
        assertEquals(0, tokenizerTrain("--corpus", corpus.toString(), "--vocab-size", "11", "--out", tok.toString()).code());
        Result again = tokenizerTrain("--corpus", corpus.toString(), "--vocab-size", "12", "--min-frequency", "1", "--out", tok.toString());
        assertEquals(0, again.code(), again.err());
        assertEquals(12, TokenizerFiles.load(tok).vocab().size(), "a tokenizer folder is trained again in place");
    }

    @Test
    void aVocabularyOfAnotherSizeThanAskedForSaysWhy() throws IOException {
        Path corpus = Files.writeString(tmp.resolve("abc.txt"), "abc cab bca\n\nabc cab\n");
        // 5 specials, the characters a b c and their ## forms: 11 tokens are always kept.
        Result small = tokenizerTrain("--corpus", corpus.toString(), "--vocab-size", "8", "--out", tmp.resolve("small").toString());
        assertEquals(0, small.code(), small.err());
        assertTrue(small.out().contains("note: the vocabulary has 11 tokens, not the 8 of --vocab-size: the 5 special tokens, the 3 "
                + "characters of the corpus and 3 of their '##' forms are always kept (raise --vocab-size above 11 for merged pieces)"), small.out());
        assertEquals(11, TokenizerFiles.load(tmp.resolve("small")).vocab().size());

        Result large = tokenizerTrain("--corpus", corpus.toString(), "--vocab-size", "100", "--out", tmp.resolve("large").toString());
        assertTrue(large.out().matches("(?s).*note: the vocabulary has \\d+ tokens, not the 100 of --vocab-size: no pair of pieces in the "
                + "corpus is left that occurs at least --min-frequency 2 times.*"), large.out());

        Result exact = tokenizerTrain("--corpus", corpus.toString(), "--vocab-size", "11", "--out", tmp.resolve("exact").toString());
        assertFalse(exact.out().contains("note:"), exact.out());
    }

    @Test
    void charactersBeyondTheAlphabetLimitAreNamedInANoteAndTheLimitCanBeRaised() throws IOException {
        // 1,200 Chinese characters, the first 200 five times each: 2,000 characters of text.
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 1200; i++) text.append(Character.toString(0x4E00 + i).repeat(i < 200 ? 5 : 1));
        Path corpus = Files.writeString(tmp.resolve("zh.txt"), text + "\n");
        Result cut = tokenizerTrain("--corpus", corpus.toString(), "--vocab-size", "100", "--out", tmp.resolve("cut").toString());
        assertEquals(0, cut.code(), cut.err());
        assertTrue(cut.out().contains("note: the corpus has 1,200 distinct characters and the vocabulary keeps the 1,000 most frequent "
                + "(--limit-alphabet): words with the other 200, which make 200 of the text's 2,000 characters (10.00%), become [UNK]; "
                + "raise --limit-alphabet to keep them"), cut.out());
        assertEquals(1005, TokenizerFiles.load(tmp.resolve("cut")).vocab().size());

        Result whole = tokenizerTrain("--corpus", corpus.toString(), "--vocab-size", "100", "--limit-alphabet", "1200",
                "--out", tmp.resolve("whole").toString());
        assertEquals(0, whole.code(), whole.err());
        assertFalse(whole.out().contains("--limit-alphabet"), whole.out());
        assertEquals(1205, TokenizerFiles.load(tmp.resolve("whole")).vocab().size());

        Result zero = tokenizerTrain("--corpus", corpus.toString(), "--limit-alphabet", "0", "--out", tmp.resolve("zero").toString());
        assertEquals(2, zero.code());
        assertEquals("trainer tokenizer: --limit-alphabet must be positive, got 0", zero.err().strip());
    }

    @Test
    void tokenizerTrainReadsOnlyTheTextOfLabelledFiles() throws IOException {
        // Labels, headers and other columns would otherwise become tokens: here they are the only words with a q or a z.
        StringBuilder tsv = new StringBuilder("qid\tsentence\tlabel\n"), conll = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            tsv.append(i).append("\tthe old whale sailed north\t").append(i % 2 == 0 ? "zzsea" : "zzland").append('\n');
            conll.append("the\tQDET\nwhale\tQNOUN\n\n");
        }
        Path a = Files.writeString(tmp.resolve("a.tsv"), tsv), b = Files.writeString(tmp.resolve("b.conll"), conll);
        Result r = tokenizerTrain("--corpus", a.toString(), b.toString(), "--vocab-size", "60", "--min-frequency", "1",
                "--out", tmp.resolve("tok").toString());
        assertEquals(0, r.code(), r.err());
        List<String> tokens = TokenizerFiles.load(tmp.resolve("tok")).vocab().tokens();
        assertTrue(tokens.contains("whale") || tokens.contains("wh"), "the text is learned: " + tokens);
        assertTrue(tokens.stream().noneMatch(t -> t.contains("q") || t.contains("z")), "no label, tag or header: " + tokens);
    }

    void assertError(String expected, String... args) {
        Result r = pretrain(args);
        assertEquals(2, r.code(), "exit code for " + List.of(args));
        assertTrue(r.err().startsWith("trainer pretrain: ") && r.err().contains(expected), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    }
}
