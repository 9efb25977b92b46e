package jtrain.training.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.engine.io.Json;
import jtrain.engine.io.Safetensors;
import jtrain.training.SeaLand;
import jtrain.training.run.RunFolder;
import jtrain.training.run.RunLock;
import jtrain.transformer.HfCheckpoint;

/**
 * ./trainer finetune, eval and predict on small user files: a sequence task (is the sentence about the sea or the
 * land?) and a tagging task (is the word a noun or a verb?), both learnable from the words alone, from a checkpoint
 * pretrained here and from scratch.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FinetuneCommandTest {
    static final String[] SEA = SeaLand.SEA, LAND = SeaLand.LAND, VERBS = SeaLand.VERBS;

    @TempDir
    Path tmp;
    Path pretrained;

    record Result(int code, String out, String err) {}

    static Result run(BiFunction<PrintStream, PrintStream, Integer> command) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = command.apply(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Result finetune(String... args) {
        return run((o, e) -> FinetuneCommand.run(args, o, e));
    }

    static Result eval(String... args) {
        return run((o, e) -> EvalCommand.run(args, o, e));
    }

    static Result predict(String... args) {
        return run((o, e) -> PredictCommand.run(args, o, e));
    }

    /** "the whale sees the ship" style sentences, nouns all from one topic. */
    static String sentence(Rng r, String[] topic) {
        return SeaLand.sentence(r::nextInt, topic);
    }

    Path seqFile(String name, int n, long seed) throws IOException {
        return seqFile(tmp, name, n, seed);
    }

    /** dir/name: JSONL lines {"text": ..., "label": sea|land}. */
    static Path seqFile(Path dir, String name, int n, long seed) throws IOException {
        Rng r = new Rng(seed);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            boolean sea = r.nextInt(2) == 0;
            lines.add(Json.write(Map.of("text", sentence(r, sea ? SEA : LAND), "label", sea ? "sea" : "land")));
        }
        return Files.write(dir.resolve(name), lines);
    }

    /** CoNLL: one "word<TAB>tag" per line (DET, NOUN, VERB), a blank line after each sentence. */
    Path conllFile(String name, int n, long seed) throws IOException {
        Rng r = new Rng(seed);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            for (String w : sentence(r, r.nextInt(2) == 0 ? SEA : LAND).split(" ")) {
                String tag = w.equals("the") ? "DET" : List.of(VERBS).contains(w) ? "VERB" : "NOUN";
                sb.append(w).append('\t').append(tag).append('\n');
            }
            sb.append('\n');
        }
        return Files.writeString(tmp.resolve(name), sb);
    }

    /** One tiny MLM pretraining on text of both topics, shared by the tests (its last checkpoint is an HF folder). */
    @BeforeAll
    void pretrainOnce(@TempDir Path dir) throws IOException {
        pretrained = pretrainTiny(dir);
    }

    /** 20 steps of MLM pretraining of a one-layer model on sea and land paragraphs; its last checkpoint (an HF folder). */
    static Path pretrainTiny(Path dir) throws IOException {
        Rng r = new Rng(3);
        List<String> paragraphs = new ArrayList<>();
        for (int p = 0; p < 60; p++) {
            StringBuilder sb = new StringBuilder();
            for (int s = 0; s < 6; s++) sb.append(sentence(r, p % 2 == 0 ? SEA : LAND)).append(". ");
            paragraphs.add(sb.toString().trim());
        }
        Path corpus = Files.writeString(dir.resolve("corpus.txt"), String.join("\n\n", paragraphs) + "\n");
        Path run = dir.resolve("run");
        String[] args = {"--data", corpus.toString(), "--model", "1,32,2,64", "--max-len", "32", "--batch", "8", "--steps", "20",
                "--lr", "2e-3", "--vocab-size", "100", "--min-frequency", "1", "--eval-every", "20", "--save-every", "20",
                "--out", run.toString()};
        Result r0 = run((o, e) -> PretrainCommand.run(args, o, e));
        assertEquals(0, r0.code(), r0.err());
        return run.resolve("checkpoints/step-20");
    }

    String[] seqArgs(Path out, String... extra) throws IOException {
        return seqArgs(tmp, out, extra);
    }

    /** A sea/land classification run into out, its train/dev/test files written to dir. */
    static String[] seqArgs(Path dir, Path out, String... extra) throws IOException {
        List<String> a = new ArrayList<>(List.of("--task", "seq", "--train", seqFile(dir, "train.jsonl", 96, 1).toString(),
                "--dev", seqFile(dir, "dev.jsonl", 32, 2).toString(), "--test", seqFile(dir, "test.jsonl", 32, 3).toString(),
                "--max-len", "16", "--batch", "8", "--steps", "60", "--eval-every", "20", "--lr", "3e-3", "--out", out.toString()));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    @Test
    void fineTunedClassifierLearnsTheTaskAndIsUsableByEvalAndPredict() throws IOException {
        Path out = tmp.resolve("seq");
        Result r = finetune(seqArgs(out, "--init", pretrained.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("encoder from " + pretrained), r.out());
        assertFalse(r.err().contains("not used by the model"), "the masked-LM head is left out by design: " + r.err());

        Map<String, Object> results = Json.parseObject(Files.readString(out.resolve("results.json")), "results.json");
        assertEquals(60, ((Number) results.get("steps_run")).intValue());
        double testAccuracy = ((Number) results.get("test_accuracy")).doubleValue();
        assertTrue(testAccuracy >= 0.9, "the topic words decide the label: test accuracy " + testAccuracy);
        assertTrue(Files.readAllLines(out.resolve("metrics.jsonl")).size() > 3, "train and dev lines");
        // Next to the network's score, what a model without one makes of the same labelled examples.
        Map<?, ?> baseline = (Map<?, ?>) results.get("baseline");
        assertEquals("multinomial naive Bayes over the tokens", baseline.get("method"));
        assertTrue(((Number) baseline.get("test_accuracy")).doubleValue() >= 0.9, "topic words are what naive Bayes counts: " + baseline);
        assertTrue(r.out().contains("test without a network (multinomial naive Bayes over the tokens (alpha "), r.out());

        Result e = eval("--model", out.resolve("model").toString(), "--task", "seq", "--test", tmp.resolve("test.jsonl").toString(), "--json");
        assertEquals(0, e.code(), e.err());
        assertEquals(testAccuracy, ((Number) Json.parseObject(e.out(), "eval").get("accuracy")).doubleValue(), 1e-9, e.out());

        Result p = predict("--model", out.resolve("model").toString(), "--json", "the whale holds the harpoon");
        assertEquals(0, p.code(), p.err());
        Map<String, Object> label = Json.parseObject(p.out(), "predict");
        assertEquals("sea", label.get("label"));
        @SuppressWarnings("unchecked") Map<String, Object> probs = (Map<String, Object>) label.get("probabilities");
        double sum = probs.values().stream().mapToDouble(v -> ((Number) v).doubleValue()).sum();
        assertEquals(1.0, sum, 1e-5, "probabilities of all labels sum to one");
    }

    @Test
    void aMisspeltTaskIsNamedBeforeWhatTheOtherOptionsLack() {
        // Without --init or --tokenizer, --scratch alone would be refused too; the task is the first mistake to fix.
        Result r = finetune("--task", "sentiment", "--scratch", "--out", tmp.resolve("never").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("unknown task 'sentiment' (expected pos, genre, spam, seq, tok)"), r.err());
        assertFalse(Files.exists(tmp.resolve("never")), "nothing written");
    }

    @Test
    void tensorsAFolderHoldsBeyondTheModelAreNamedInANoteAndIgnored() throws IOException {
        // As HF's "Some weights of the checkpoint were not used": the run goes on, the user learns which ones.
        Path init = Files.createDirectories(tmp.resolve("init-extra"));
        try (var files = Files.list(pretrained)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) Files.copy(f, init.resolve(f.getFileName()));
        }
        addTensor(init, "extra.weight");
        Path out = tmp.resolve("extra");
        Result r = finetune(seqArgs(out, "--init", init.toString(), "--steps", "2"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("note: " + init.resolve("model.safetensors") + ": 1 tensor not used by the model (ignored): [extra.weight]\n"),
                r.err());

        Path model = out.resolve("model");
        addTensor(model, "bert.encoder.layer.9.output.dense.weight");
        Result p = predict("--model", model.toString(), "the whale");
        assertEquals(0, p.code(), p.err());
        assertEquals("note: " + model.resolve("model.safetensors") + ": 1 tensor not used by the model (ignored): "
                + "[bert.encoder.layer.9.output.dense.weight]\n", p.err());
    }

    /** Rewrites dir's model.safetensors with one more tensor, name. */
    static void addTensor(Path dir, String name) {
        Map<String, Tensor> weights = new LinkedHashMap<>(Safetensors.read(dir.resolve("model.safetensors")));
        weights.put(name, Tensor.of(new float[] {1, 2}, 2));
        Safetensors.write(dir.resolve("model.safetensors"), weights, Map.of("format", "pt"));
    }

    @Test
    void scratchBaselineHasTheSameArchitectureWithRandomWeights() throws IOException {
        Path out = tmp.resolve("scratch");
        Result r = finetune(seqArgs(out, "--scratch", "--init", pretrained.toString(), "--steps", "4"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("random initialisation"), r.out());
        Map<String, Tensor> pre = Safetensors.read(pretrained.resolve("model.safetensors"));
        Map<String, Tensor> fine = Safetensors.read(out.resolve("model/model.safetensors"));
        String key = "bert.encoder.layer.0.attention.self.query.weight";
        assertArrayEquals(pre.get(key).shape(), fine.get(key).shape());
        assertTrue(meanAbsDifference(pre.get(key), fine.get(key)) > 0.005, "the pretrained weights were not loaded");
    }

    @Test
    void aBadScratchShapeNamesTheModelFlagAndItsValue() throws IOException {
        Path out = tmp.resolve("bad-shape");
        assertError(finetune(seqArgs(out, "--scratch", "--tokenizer", pretrained.toString(), "--model", "2,30,4,64")),
                "trainer finetune: --model 2,30,4,64: hidden size 30 is not a multiple of the 4 heads");
        assertError(finetune(seqArgs(out, "--scratch", "--tokenizer", pretrained.toString(), "--model", "2,x,4,64")),
                "trainer finetune: --model L,H,A,I needs four integers, got '2,x,4,64'");
        assertFalse(Files.exists(out), "no run folder for a run that could not start");
    }

    @Test
    void aScratchModelOfMoreThan4096PositionsIsBuiltWithANoteOnItsAttentionMemory() throws IOException {
        Path out = tmp.resolve("long");
        Result r = finetune(seqArgs(out, "--scratch", "--tokenizer", pretrained.toString(), "--model", "1,32,2,64", "--max-len", "5000",
                "--steps", "2"));
        assertEquals(0, r.code(), r.err());
        assertEquals("note: --max-len 5000 makes a model of 5,000 positions; its attention scores alone take about 191 MiB per layer per "
                + "sequence (5000 x 5000 positions x 2 heads x 4 bytes)", r.err().strip());
        assertEquals(5000, HfCheckpoint.readConfig(out.resolve("model")).maxPositionEmbeddings());
    }

    @Test
    void frozenEmbeddingsAndLayersKeepTheirPretrainedWeights() throws IOException {
        Path out = tmp.resolve("frozen");
        Result r = finetune(seqArgs(out, "--init", pretrained.toString(), "--steps", "5", "--freeze-embeddings", "--freeze-layers", "1"));
        assertEquals(0, r.code(), r.err());
        Map<String, Tensor> pre = Safetensors.read(pretrained.resolve("model.safetensors"));
        Map<String, Tensor> fine = Safetensors.read(out.resolve("model/model.safetensors"));
        for (String k : List.of("bert.embeddings.word_embeddings.weight", "bert.encoder.layer.0.output.dense.weight"))
            assertArrayEquals(pre.get(k).toFloatArray(), fine.get(k).toFloatArray(), k + " is frozen");
        assertTrue(fine.keySet().stream().anyMatch(k -> k.startsWith("classifier.")), "the new head is trained and saved");
    }

    @Test
    void auxiliaryMlmLossRunsAlongsideTheTask() throws IOException {
        Path out = tmp.resolve("aux");
        Result r = finetune(seqArgs(out, "--init", pretrained.toString(), "--steps", "6", "--aux-mlm-weight", "0.5"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("auxiliary MLM (weight 0.5)") && r.out().contains("pretrained head"), r.out());
        assertTrue(Files.readString(out.resolve("metrics.jsonl")).contains("\"mlm_loss\""), "the auxiliary loss is logged");
    }

    @Test
    void taggerLabelsTheFirstSubTokenOfEachWord() throws IOException {
        Path out = tmp.resolve("tok");
        Result r = finetune("--task", "tok", "--init", pretrained.toString(), "--train", conllFile("train.conll", 96, 4).toString(),
                "--dev", conllFile("dev.conll", 24, 5).toString(), "--max-len", "16", "--batch", "8", "--steps", "60",
                "--eval-every", "30", "--lr", "3e-3", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        double devAccuracy = ((Number) Json.parseObject(Files.readString(out.resolve("results.json")), "results.json").get("dev_accuracy")).doubleValue();
        assertTrue(devAccuracy >= 0.9, "DET/NOUN/VERB follow from the word: dev token accuracy " + devAccuracy);

        Result p = predict("--model", out.resolve("model").toString(), "the horse pulls the cart");
        assertEquals(0, p.code(), p.err());
        assertTrue(p.out().contains("horse") && p.out().contains("NOUN") && p.out().contains("VERB"), p.out());
    }

    @Test
    void badInputGivesOneErrorLineNamingTheFault() throws IOException {
        String init = pretrained.toString();
        Path dev = seqFile("dev.jsonl", 8, 2), out = tmp.resolve("bad");

        Path malformed = Files.writeString(tmp.resolve("malformed.jsonl"), "{\"text\": \"a whale\", \"label\": \"sea\"}\n{\"text\": oops\n");
        assertError(finetune("--task", "seq", "--init", init, "--train", malformed.toString(), "--dev", dev.toString(), "--out", out.toString()),
                "malformed.jsonl:2");

        Path empty = Files.writeString(tmp.resolve("empty.jsonl"), "");
        assertError(finetune("--task", "seq", "--init", init, "--train", empty.toString(), "--dev", dev.toString(), "--out", out.toString()),
                "empty.jsonl");
        assertError(finetune("--task", "seq", "--init", init, "--train", tmp.resolve("missing.jsonl").toString(), "--dev", dev.toString(),
                "--out", out.toString()), "missing.jsonl");
        assertError(finetune("--task", "seq", "--train", dev.toString(), "--dev", dev.toString(), "--out", out.toString()),
                "give --init DIR (pretrained folder) or --scratch");
        assertError(finetune(seqArgs(out, "--init", init, "--label-fraction", "0")), "--label-fraction must be in (0, 1]");
        assertError(finetune(seqArgs(out, "--init", init, "--max-len", "4096")), "--max-len 4096 exceeds the model's");
        assertError(finetune("--task", "pos", "--init", init, "--train", dev.toString(), "--dev", dev.toString(), "--out", out.toString()),
                "--task pos reads its own data (the Brown corpus): data files (--train, --dev, --test) are for --task seq or tok");

        // A model trained on sea/land, evaluated on a file with a label it never saw.
        Path model = tmp.resolve("seq-model");
        assertEquals(0, finetune(seqArgs(model, "--init", init, "--steps", "2")).code());
        Path unseen = Files.writeString(tmp.resolve("unseen.jsonl"), "{\"text\": \"the sky\", \"label\": \"air\"}\n");
        assertError(eval("--model", model.resolve("model").toString(), "--task", "seq", "--test", unseen.toString()), "air");
        assertError(predict("--model", tmp.resolve("nothing-here").toString(), "some text"), "nothing-here");
    }

    @Test
    void anInitFolderWhoseWeightsDoNotFitItsConfigIsNamedBeforeTheDataIsRead() throws IOException {
        // The training file is broken on line 2: an error about the folder proves the folder was checked first.
        Path malformed = Files.writeString(tmp.resolve("broken.jsonl"), "{\"text\": \"a whale\", \"label\": \"sea\"}\n{\"text\": oops\n");
        Path dev = seqFile("dev.jsonl", 8, 2), out = tmp.resolve("unfit");
        Path init = Files.createDirectories(tmp.resolve("init-wider"));
        try (var files = Files.list(pretrained)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) Files.copy(f, init.resolve(f.getFileName()));
        }
        Path config = init.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"intermediate_size\": 64", "\"intermediate_size\": 80"));
        String[] args = {"--task", "seq", "--init", init.toString(), "--train", malformed.toString(), "--dev", dev.toString(), "--out", out.toString()};
        assertError(finetune(args), init.resolve("model.safetensors") + ": tensors do not fit the config: "
                + "bert.encoder.layer.0.intermediate.dense.weight is [64, 32] in the checkpoint but [80, 32] in the model");
        Files.delete(init.resolve("vocab.txt"));
        Files.delete(init.resolve("tokenizer.json"));
        assertError(finetune(args), init + " holds neither tokenizer.json nor vocab.txt");
        assertFalse(Files.exists(out), "no folder for a run that could not start");
    }

    @Test
    void withoutMaxLenTextsAreCutToTheModelsPositionsWhenItHasFewerThan128() throws IOException {
        // The shared pretrained model has 32 positions; these texts are about 60 tokens long.
        Rng r = new Rng(11);
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            boolean sea = i % 2 == 0;
            String text = String.join(". ", Collections.nCopies(10, sentence(r, sea ? SEA : LAND)));
            lines.append(Json.write(Map.of("text", text, "label", sea ? "sea" : "land"))).append('\n');
        }
        Path longTexts = Files.writeString(tmp.resolve("long.jsonl"), lines);
        Result res = finetune("--task", "seq", "--init", pretrained.toString(), "--train", longTexts.toString(), "--dev",
                longTexts.toString(), "--batch", "8", "--steps", "1", "--out", tmp.resolve("short-model").toString());
        assertEquals(0, res.code(), res.err());
        assertTrue(res.out().contains("train: 16 of 16 examples truncated to 32 tokens"), res.out());
    }

    @Test
    void aFinishedRunIsNeverWrittenOverAndItsModelCanBeFineTunedAgain() throws IOException {
        Path first = tmp.resolve("first");
        assertEquals(0, finetune(seqArgs(first, "--init", pretrained.toString(), "--steps", "2")).code());
        String metrics = Files.readString(first.resolve("metrics.jsonl"));
        assertError(finetune(seqArgs(first, "--init", pretrained.toString(), "--steps", "2")), "already holds a finished fine-tuning run");
        assertEquals(metrics, Files.readString(first.resolve("metrics.jsonl")), "the first run's files are untouched");
        assertError(finetune(seqArgs(pretrained.getParent().getParent(), "--init", pretrained.toString())), "already holds files");

        // The fine-tuned sea/land classifier (2 labels) as the start of a tagger (3 tags): its encoder, a new head.
        Path again = tmp.resolve("again");
        Result r = finetune("--task", "tok", "--init", first.resolve("model").toString(), "--train", conllFile("t.conll", 16, 4).toString(),
                "--dev", conllFile("d.conll", 8, 5).toString(), "--max-len", "16", "--batch", "8", "--steps", "2", "--out", again.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(3, Safetensors.read(again.resolve("model/model.safetensors")).get("classifier.weight").shape()[0]);
        assertTrue(r.out().contains("encoder from " + first.resolve("model")), r.out());
    }

    @Test
    void anOutputFolderInUseIsRefusedWhileALockFileLeftBehindIsNot() throws IOException {
        Path out = tmp.resolve("busy");
        try (RunLock other = RunLock.acquire(out, "pretrain")) {
            assertError(finetune(seqArgs(out, "--init", pretrained.toString(), "--steps", "2")),
                    out + " is in use by another trainer process (pid " + ProcessHandle.current().pid() + ", trainer pretrain");
        }
        try (var files = Files.list(out)) {
            assertEquals(List.of(out.resolve(RunLock.FILE)), files.toList(), "nothing was written");
        }
        // The lock went with its holder: the file alone does not make the folder used.
        assertEquals(0, finetune(seqArgs(out, "--init", pretrained.toString(), "--steps", "2")).code());
        assertTrue(Files.isDirectory(out.resolve("model")));
    }

    @Test
    void theLinePrintedOnCtrlCSaysWhatWasSaved() throws IOException {
        Path out = tmp.resolve("stopped");
        RunFolder folder = new RunFolder(out);
        assertEquals("trainer finetune: interrupted before the run started; nothing was saved in " + out, FinetuneCommand.interrupted(folder));
        assertEquals(0, finetune(seqArgs(out, "--init", pretrained.toString(), "--steps", "4", "--save-every", "2", "--stop-after", "3")).code());
        assertEquals("trainer finetune: interrupted; the last complete checkpoint is " + out.resolve("checkpoints/step-3")
                + "; continue with: ./trainer finetune --out " + out + " --resume", FinetuneCommand.interrupted(folder));
        jtrain.engine.io.Folders.deleteTree(out.resolve("checkpoints"));
        assertEquals("trainer finetune: interrupted before the first checkpoint; ./trainer finetune --out " + out
                + " --resume starts the run again from step 0", FinetuneCommand.interrupted(folder));
        Files.writeString(out.resolve("results.json"), "{}");
        assertEquals("trainer finetune: interrupted after the run finished; its best model is " + out.resolve("model"),
                FinetuneCommand.interrupted(folder));
    }

    @Test
    void mistakesInTheOptionsOrTheFilesAreNamed() throws IOException {
        String init = pretrained.toString();
        Path out = tmp.resolve("never-written"), dev = seqFile("dev.jsonl", 8, 2);
        Path unlabelled = Files.writeString(tmp.resolve("unlabelled.jsonl"), "{\"text\": \"a whale\", \"label\": \"sea\"}\n{\"text\": \"a cart\", \"lable\": \"land\"}\n");
        assertError(finetune(seqArgs(out, "--init", init, "--dev", unlabelled.toString())), "unlabelled.jsonl:2: missing \"label\"");
        Path noLabelColumn = Files.writeString(tmp.resolve("nolabels.tsv"), "sentence\na whale\n");
        assertError(finetune(seqArgs(out, "--init", init, "--test", noLabelColumn.toString())), "nolabels.tsv:1: header needs a label column");
        assertError(finetune(seqArgs(out, "--init", init, "--steps", "0")), "--steps must be at least 1");
        assertError(finetune(seqArgs(out, "--init", pretrained.getParent().getParent().toString())),
                "it is not a model folder but holds some: give one of them, e.g. "); // the latest checkpoint, as eval names it
        assertError(finetune(seqArgs(out, "--init", pretrained.getParent().getParent().toString())),
                Path.of("checkpoints", pretrained.getFileName().toString()) + ")");
        assertError(finetune(seqArgs(out, "--init", tmp.resolve("no-such-model").toString())), "no-such-model: no such folder");
        assertError(finetune("--task", "seq", "--init", init, "--train", dev.toString(), "--dev", "--out", out.toString()), "--dev needs a value");
        Path headerOnly = Files.writeString(tmp.resolve("header.csv"), "text,label\n");
        assertError(finetune(seqArgs(out, "--init", init, "--train", headerOnly.toString())), "seq: no training examples (none in " + headerOnly + ")");
        // Out-of-range numbers name their option and value.
        assertError(finetune(seqArgs(out, "--init", init, "--lr", "-1")), "--lr must be a positive number, got -1.0");
        assertError(finetune(seqArgs(out, "--init", init, "--batch", "0")), "--batch (batchSize) must be positive, got 0");
        assertError(finetune(seqArgs(out, "--init", init, "--grad-accum", "0")), "--grad-accum (gradAccum) must be positive, got 0");
        assertError(finetune(seqArgs(out, "--init", init, "--warmup", "2")), "--warmup (warmupFraction) must be a fraction of the steps in [0, 1], got 2.0");
        assertError(finetune(seqArgs(out, "--init", init, "--weight-decay", "-1")), "--weight-decay (weightDecay) must be >= 0, got -1.0");
        assertError(finetune(seqArgs(out, "--init", init, "--clip", "-1")), "--clip (clipNorm) must be >= 0 (0 = off), got -1.0");
        assertError(finetune(seqArgs(out, "--init", init, "--patience", "-1")), "--patience must be >= 0");
        assertError(finetune(seqArgs(out, "--init", init, "--save-every", "0")), "--save-every must be positive, got 0");
        assertError(finetune(seqArgs(out, "--init", init, "--keep", "0")), "--keep must be positive, got 0");
        assertError(finetune(seqArgs(out, "--init", init, "--stop-after", "0")), "--stop-after must be positive, got 0");
        assertError(finetune(seqArgs(out, "--init", init, "--max-len", "2")), "--max-len must be at least 3 ([CLS], a token, [SEP]), got 2");
        assertError(finetune(seqArgs(out, "--init", init, "--dropout", "1.5")), "--dropout must be in [0, 1), got 1.5");
        // A text for a loss that is off would be silently unused.
        assertError(finetune(seqArgs(out, "--init", init, "--aux-mlm-text", dev.toString())),
                "--aux-mlm-text is the text of the auxiliary masked-LM loss: give --aux-mlm-weight W > 0 with it");
        assertFalse(Files.exists(out), "nothing was written");
    }

    @Test
    void aTagUnseenInTrainingNamesTheWordThatCarriesIt() throws IOException {
        Path unseen = Files.writeString(tmp.resolve("unseen.conll"), "the\tDET\nwhale\tNOUN\n\nthe\tDET\nbig\tADJ\nship\tNOUN\n");
        Result r = finetune("--task", "tok", "--init", pretrained.toString(), "--train", conllFile("t2.conll", 16, 4).toString(),
                "--dev", unseen.toString(), "--steps", "1", "--out", tmp.resolve("unseen-tag").toString());
        // The sentence starts on line 4; its second word, on line 5, has the tag.
        assertError(r, "unseen.conll:4 (the sentence starting there, word 2, 'big'): label 'ADJ' does not occur in the training data (known labels: DET, NOUN, VERB)");
    }

    static void assertError(Result r, String expected) {
        assertEquals(2, r.code(), "exit code; stderr: " + r.err());
        assertTrue(r.err().contains(expected), "expected '" + expected + "' in: " + r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    }

    static double meanAbsDifference(Tensor a, Tensor b) {
        float[] x = a.toFloatArray(), y = b.toFloatArray();
        double sum = 0;
        for (int i = 0; i < x.length; i++) sum += Math.abs(x[i] - y[i]);
        return sum / x.length;
    }
}
