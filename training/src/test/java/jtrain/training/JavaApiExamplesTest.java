package jtrain.training;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.util.LinkedHashMap;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

// doc:begin imports
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import jtrain.cuda.Devices;
import jtrain.engine.Autograd;
import jtrain.engine.Checkpoint;
import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.training.data.Split;
import jtrain.training.data.TextExample;
import jtrain.training.finetune.EvalResult;
import jtrain.training.finetune.FineTuneOptions;
import jtrain.training.finetune.FineTuner;
import jtrain.training.finetune.LabelVocab;
import jtrain.training.finetune.Predictor;
import jtrain.training.finetune.TaskData;
import jtrain.training.finetune.TaskEncoder;
import jtrain.training.finetune.TaskKind;
import jtrain.training.finetune.TaskModels;
import jtrain.training.pretrain.MlmBatch;
import jtrain.training.pretrain.MlmEvaluator;
import jtrain.training.pretrain.MlmMasking;
import jtrain.training.pretrain.Packing;
import jtrain.training.pretrain.Pretrainer;
import jtrain.training.run.Progress;
import jtrain.training.tokenizer.BertTokenizer;
import jtrain.training.tokenizer.Encoding;
import jtrain.training.tokenizer.TokenizerFiles;
import jtrain.training.tokenizer.WordPieceTrainer;
import jtrain.transformer.BertConfig;
import jtrain.transformer.BertForMaskedLM;
import jtrain.transformer.BertTask;
import jtrain.transformer.FillMask;
import jtrain.transformer.HfCheckpoint;
import jtrain.transformer.ProblemType;
// doc:end imports

/**
 * The examples of docs/java-api.md, run: jtrain used from Java code rather than through ./trainer. The code between
 * {@code // doc:begin NAME} and {@code // doc:end NAME} is what the guide shows under {@code <!-- example: NAME -->};
 * {@link #theGuideShowsExactlyTheCodeOfTheseExamples} fails when the two differ, so the guide cannot drift from code
 * that compiles and passes. The data is synthetic and learnable from the words alone (is a sentence about the sea or
 * the land?), so the whole class runs in seconds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JavaApiExamplesTest {
    static final String[] SEA = SeaLand.SEA, LAND = SeaLand.LAND;

    @TempDir
    Path tmp;
    /** The folder example 3 writes (a pretrained masked-LM and its tokenizer), used by examples 1 and 2. */
    Path pretrained;
    Pretrainer.Summary pretraining;

    @BeforeAll
    void pretrainOnce(@TempDir Path dir) throws IOException {
        pretrained = dir.resolve("pretrained");
        pretraining = pretrain(paragraphs(80, 3), pretrained);
    }

    // ---- example 1: load a folder, encode, fill-mask, logits -------------------------------------------------

    @Test
    void example1_loadAFolderEncodeATextFillMaskAndLogits() throws IOException {
        Path dir = pretrained;
        // doc:begin load
        BertTokenizer tokenizer = TokenizerFiles.load(dir);       // tokenizer.json, else vocab.txt
        BertForMaskedLM model = HfCheckpoint.loadMaskedLM(dir);   // config.json + model.safetensors

        Encoding enc = tokenizer.encode("the whale sees the [MASK].");
        System.out.println(enc.tokens());                         // [[CLS], the, whale, sees, the, [MASK], ., [SEP]]
        int maskId = tokenizer.vocab().id(tokenizer.specialTokens().mask());
        List<FillMask.Prediction> predictions = FillMask.predict(model, enc.ids(), maskId, 5);
        for (FillMask.Prediction p : predictions) {
            for (FillMask.Candidate c : p.top()) {
                System.out.printf("[MASK] at %d: %-10s %.3f%n", p.position(), tokenizer.vocab().token(c.id()), c.score());
            }
        }
        // doc:end load
        assertEquals(List.of("[CLS]", "the", "whale", "sees", "the", "[MASK]", ".", "[SEP]"), enc.tokens());
        assertEquals(1, predictions.size());
        FillMask.Prediction p = predictions.getFirst();
        assertEquals(5, p.position());
        assertEquals(5, p.top().size());
        for (int k = 1; k < 5; k++) assertTrue(p.top().get(k - 1).score() >= p.top().get(k).score(), "best first");
        assertTrue(p.top().getFirst().score() > 0 && p.top().getFirst().score() <= 1, "a probability");

        // doc:begin load

        model.train(false);                                       // evaluation mode: no dropout
        Tensor logits, hidden;
        try (var noGrad = Autograd.noGrad()) {                    // no autograd graph: less memory, faster
            Tensor ids = Tensor.ofInts(enc.ids(), 1, enc.length());          // a batch of one sequence
            logits = model.logits(ids, null, null);                          // (1, length, vocabulary size)
            hidden = model.bert.forward(ids, null, null, false).lastHidden();   // (1, length, hidden size)
        }
        int at = enc.tokens().indexOf("[MASK]");
        float[] atMask = logits.slice(1, at, at + 1).reshape(-1).toFloatArray();   // the scores at the [MASK]
        // doc:end load
        assertArrayEquals(new int[] {1, 8, tokenizer.vocab().size()}, logits.shape());
        assertArrayEquals(new int[] {1, 8, 64}, hidden.shape());
        int argmax = 0;
        for (int v = 1; v < atMask.length; v++) if (atMask[v] > atMask[argmax]) argmax = v;
        assertEquals(p.top().getFirst().id(), argmax, "fill-mask's best candidate is the arg-max of the logits");
        assertEquals(5, at);
        float[] probs = logits.slice(1, at, at + 1).reshape(-1).softmax().toFloatArray();
        assertEquals(p.top().getFirst().score(), probs[argmax], 1e-5);
    }

    // ---- example 2: fine-tune a classifier from Java lists, save, load, predict ------------------------------

    @Test
    void example2_fineTuneAClassifierFromInMemoryExamplesSaveLoadAndPredict() throws IOException {
        Path out = tmp.resolve("sea-or-land");
        // doc:begin finetune
        // 1. Labelled examples by split: train, dev (picks the best step) and test.
        TaskData data = TaskData.ofTexts("sea-or-land", Map.of(
                Split.TRAIN, seaOrLand(96, 1), Split.DEV, seaOrLand(32, 2), Split.TEST, seaOrLand(32, 3)));
        LabelVocab labels = data.labelVocab();                    // the training labels, sorted: [land, sea]

        // 2. The pretrained folder's tokenizer and encoder, with a new classification head.
        BertTokenizer tokenizer = TokenizerFiles.load(pretrained);
        TaskEncoder encoder = new TaskEncoder(tokenizer, labels, 32);   // texts cut to 32 tokens
        BertTask model = TaskModels.fromPretrained(TaskKind.SEQUENCE, pretrained, labels, null, 1);
        model.to(Devices.select("auto"));                         // the GPU if one works, else the CPU

        // 3. Train, evaluating on dev every 20 steps; the model keeps the weights of its best dev evaluation.
        FineTuneOptions options = new FineTuneOptions();         // BERT fine-tuning defaults; change what you need
        options.batchSize = 8;
        options.steps = 60;                                       // default: options.epochs = 3
        options.evalEvery = 20;
        options.lr = 3e-3;                                        // a tiny model; the default 5e-5 suits BERT-base
        options.metric = "loss";                                  // the best step by dev loss (default: macro_f1)
        int padId = tokenizer.vocab().id(tokenizer.specialTokens().pad());
        FineTuner tuner = new FineTuner(model, TaskKind.SEQUENCE, labels, padId, options);
        FineTuner.Result result = tuner.train(data.encode(encoder, Split.TRAIN).examples(),
                data.encode(encoder, Split.DEV).examples(), null, new Progress(System.out, 10));
        EvalResult test = tuner.evaluate(data.encode(encoder, Split.TEST).examples());
        System.out.println("best dev (step " + result.bestStep() + "): " + result.bestDev().describe());
        System.out.println("test: " + test.describe());

        // 4. Save as a Hugging Face folder: config.json (with the label names), model.safetensors, tokenizer files.
        TaskModels.save(model, tokenizer, out);
        // doc:end finetune
        assertEquals(60, result.stepsRun());
        assertEquals(List.of("land", "sea"), labels.names());
        assertEquals(3, result.history().size(), "dev evaluations at steps 20, 40, 60");
        assertTrue(test.accuracy() >= 0.9, "the topic words decide the label (chance is 0.5): test " + test.describe());
        for (String f : List.of("config.json", "model.safetensors", "vocab.txt", "tokenizer.json")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }

        // doc:begin predict
        Predictor predictor = new Predictor(TaskModels.load(out));
        Predictor.Label label = predictor.classify("the whale holds the harpoon", null);   // null: not a text pair
        System.out.println(label.label() + " " + label.labels() + " " + Arrays.toString(label.probabilities()));
        // doc:end predict
        assertEquals("sea", label.label());
        assertEquals(List.of("land", "sea"), label.labels());
        assertEquals(1.0, label.probabilities()[0] + label.probabilities()[1], 1e-5);
        assertTrue(label.probabilities()[1] > 0.9, "the best step by dev loss is confident: p(sea) " + label.probabilities()[1]);
        assertEquals("land", predictor.classify("the horse pulls the plough", null).label());
        // The model in memory predicts the same without the round trip through the folder.
        Predictor inMemory = new Predictor(new TaskModels.Loaded(TaskKind.SEQUENCE, model, tokenizer, labels));
        assertArrayEquals(label.probabilities(), inMemory.classify("the whale holds the harpoon", null).probabilities(), 1e-5);
    }

    // doc:begin data
    /** n sentences such as "the whale sees the ship", labelled "sea" or "land" after their nouns. */
    static List<TextExample> seaOrLand(int n, long seed) {
        Random random = new Random(seed);
        List<TextExample> examples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            boolean sea = random.nextBoolean();
            String text = sentence(random, sea ? SEA : LAND);
            // (an id for error messages, the text, a second text for pair tasks or null, the label)
            examples.add(new TextExample("example-" + i, text, null, sea ? "sea" : "land"));
        }
        return examples;
    }
    // doc:end data

    static String sentence(Random r, String[] nouns) {
        return SeaLand.sentence(r::nextInt, nouns);
    }

    @Test
    void example2_aClassifierFromScratchHasThePretrainedArchitectureOrAPresetSize() throws IOException {
        BertTokenizer tokenizer = TokenizerFiles.load(pretrained);
        LabelVocab labels = new LabelVocab(List.of("land", "sea"));
        // doc:begin scratch
        BertConfig config = HfCheckpoint.readConfig(pretrained);  // or TaskModels.size("mini", vocabulary size, 128)
        BertTask model = TaskModels.fromScratch(TaskKind.SEQUENCE, config, labels, null, 1);
        // doc:end scratch
        BertTask fromFolder = TaskModels.fromPretrained(TaskKind.SEQUENCE, pretrained, labels, null, 1);
        assertEquals(fromFolder.parameterCount(), model.parameterCount());
        assertFalse(Arrays.equals(fromFolder.bert.embeddings.wordEmbeddings.weight.toFloatArray(),
                model.bert.embeddings.wordEmbeddings.weight.toFloatArray()), "random, not pretrained, weights");
        BertTask mini = TaskModels.fromScratch(TaskKind.SEQUENCE, TaskModels.size("mini", tokenizer.vocab().size(), 128), labels, null, 1);
        assertEquals(4, mini.config.numHiddenLayers());
        assertEquals(256, mini.config.hiddenSize());
        try (var noGrad = Autograd.noGrad()) {
            int[] ids = tokenizer.encode("the ship").ids();
            assertArrayEquals(new int[] {1, 2}, model.logits(Tensor.ofInts(ids, 1, ids.length), null, null).shape());
        }
    }

    // ---- example 3: pretrain a masked-LM on texts --------------------------------------------------------------

    // doc:begin pretrain
    /** Trains a WordPiece tokenizer and a small BERT masked-LM on texts; saves both to the folder out. */
    static Pretrainer.Summary pretrain(List<String> texts, Path out) throws IOException {
        // 1. A WordPiece vocabulary learnt from the texts (or TokenizerFiles.load(folder) to reuse one).
        BertTokenizer tokenizer = new WordPieceTrainer().vocabSize(200).minFrequency(1).train(texts);

        // 2. Sequences of up to 32 tokens ([CLS] ... [SEP], documents joined by [SEP]); a tenth held out.
        int cut = texts.size() * 9 / 10;
        List<int[]> train = Packing.packTexts(tokenizer, texts.subList(0, cut), 32);
        List<int[]> heldOut = Packing.packTexts(tokenizer, texts.subList(cut, texts.size()), 32);

        // 3. BERT with the masked-LM head: 2 layers, hidden size 64, 2 heads, feed-forward 128.
        BertConfig config = BertConfig.of(tokenizer.vocab().size(), 2, 64, 2, 128).withMaxPositions(32);
        BertForMaskedLM model = new BertForMaskedLM(config, new Rng(1), new Rng(2));   // init and dropout seeds
        model.to(Devices.select("auto"));

        // 4. Train: 15% of the tokens masked afresh in every batch, AdamW with warm-up then linear decay.
        MlmBatch.Vocab vocab = MlmBatch.Vocab.of(tokenizer);
        MlmMasking masking = new MlmMasking(0.15, false);         // true: mask whole words
        Pretrainer.Options options = new Pretrainer.Options(
                16, 1, 100,           // sequences per batch, batches per optimizer step, optimizer steps
                2e-3, 10, "linear",   // peak learning rate, warm-up steps, decay: linear, cosine or constant
                0.01, 1.0,            // AdamW weight decay, gradient-norm clip (0 = off)
                10, 50, 1,            // steps between loss lines, between held-out evaluations; seed
                masking);
        MlmEvaluator evaluator = new MlmEvaluator(heldOut, vocab, masking, 16, 3);
        Pretrainer.Summary summary = new Pretrainer(model, vocab, options)
                .train(train, evaluator, null, new Progress(System.out, 10));

        // 5. Save as a Hugging Face folder, like a checkpoint of ./trainer pretrain.
        HfCheckpoint.save(model, out);
        TokenizerFiles.save(tokenizer, out);
        return summary;
    }
    // doc:end pretrain

    /** n paragraphs of 6 sentences each, alternately about the sea and about the land. */
    static List<String> paragraphs(int n, long seed) {
        Random r = new Random(seed);
        List<String> texts = new ArrayList<>();
        for (int p = 0; p < n; p++) {
            StringBuilder sb = new StringBuilder();
            for (int s = 0; s < 6; s++) sb.append(sentence(r, p % 2 == 0 ? SEA : LAND)).append(". ");
            texts.add(sb.toString().strip());
        }
        return texts;
    }

    @Test
    void example3_pretrainingOnTextsLowersTheLossAndWritesAFolderThatLoads() throws IOException {
        List<double[]> curve = pretraining.lossCurve();           // {step, mean loss since the last line, tokens}
        assertEquals(10, curve.size(), "a loss line every 10 of 100 steps");
        double first = curve.getFirst()[1], last = curve.getLast()[1];
        assertTrue(last < 0.75 * first, "training loss fell from " + first + " to " + last);
        BertForMaskedLM loaded = HfCheckpoint.loadMaskedLM(pretrained);
        int vocabulary = loaded.config.vocabSize();
        double uniform = Math.log(vocabulary);
        assertTrue(pretraining.finalEval().loss() < 0.7 * uniform,
                "held-out MLM loss " + pretraining.finalEval().loss() + " vs " + uniform + " for a uniform guess");
        assertEquals(vocabulary, TokenizerFiles.load(pretrained).vocab().size());
        assertTrue(pretraining.tokens() > 0 && pretraining.flops() > 0);
    }

    // ---- the guide shows these examples verbatim ------------------------------------------------------------

    static final String BEGIN = "// doc:begin ", END = "// doc:end ", MARKER = "<!-- example: ";

    @Test
    void theGuideShowsExactlyTheCodeOfTheseExamples() throws IOException {
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.isRegularFile(root.resolve("docs/java-api.md"))) root = root.getParent();
        assertNotNull(root, "docs/java-api.md not found above " + Path.of("").toAbsolutePath());
        Map<String, String> code = regions(Files.readAllLines(root.resolve("training/src/test/java/jtrain/training/JavaApiExamplesTest.java")));
        Map<String, String> guide = blocks(Files.readAllLines(root.resolve("docs/java-api.md")));
        assertEquals(code.keySet(), guide.keySet(), "examples in the test vs <!-- example: NAME --> blocks in docs/java-api.md");
        for (String name : code.keySet()) {
            assertEquals(code.get(name), guide.get(name), "docs/java-api.md, example '" + name + "' differs from the test's code");
        }
    }

    /** Each region's lines without their common indentation; regions of one name are joined in order. */
    static Map<String, String> regions(List<String> lines) {
        Map<String, List<String>> byName = new LinkedHashMap<>();
        String open = null;
        List<String> region = new ArrayList<>();
        for (String line : lines) {
            String t = line.strip();
            if (t.startsWith(BEGIN)) {
                assertNull(open, "region '" + open + "' is not closed before " + t);
                open = t.substring(BEGIN.length()).strip();
                region = new ArrayList<>();
            } else if (t.startsWith(END)) {
                assertEquals(open, t.substring(END.length()).strip(), "mismatched " + t);
                int indent = region.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
                byName.computeIfAbsent(open, k -> new ArrayList<>()).addAll(region.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toList());
                open = null;
            } else if (open != null) {
                region.add(line);
            }
        }
        assertNull(open, "region '" + open + "' is not closed");
        Map<String, String> out = new LinkedHashMap<>();
        byName.forEach((k, v) -> out.put(k, String.join("\n", v)));
        return out;
    }

    /** The ```java block after each "<!-- example: NAME -->" line of the guide. */
    static Map<String, String> blocks(List<String> lines) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i).strip();
            if (!t.startsWith(MARKER)) continue;
            String name = t.substring(MARKER.length(), t.indexOf("-->")).strip();
            assertEquals("```java", lines.get(i + 1).strip(), "the line after " + t + " must open a ```java block");
            List<String> block = new ArrayList<>();
            int j = i + 2;
            while (!lines.get(j).strip().equals("```")) block.add(lines.get(j++));
            assertNull(out.put(name, String.join("\n", block)), "two blocks for example '" + name + "'");
            i = j;
        }
        return out;
    }
}
