package jtrain.training.finetune;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jtrain.engine.Autograd;
import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.engine.ops.Losses;
import jtrain.training.data.DataException;
import jtrain.training.data.Scores;
import jtrain.training.data.Split;
import jtrain.training.data.TextExample;
import jtrain.transformer.BertConfig;
import jtrain.transformer.BertForSequenceClassification;
import jtrain.transformer.BertTask;
import jtrain.transformer.ProblemType;

/**
 * Regression with K outputs (HF's problem_type "regression", num_labels K): K numbers per example, the same K in
 * every example of train, dev and test, which the first training example sets; the model has K outputs named LABEL_0
 * ... LABEL_{K-1}; dev metrics are each output's Pearson, Spearman and MSE and their mean.
 */
class RegressionOutputsTest {
    @TempDir
    Path tmp;

    TaskData load(Path train, Path dev, int outputs) {
        return TaskData.load("seq", null, new TaskData.Files(train, dev, null), 42, ProblemType.REGRESSION, outputs);
    }

    @Test
    void theFirstTrainingExampleSetsTheOutputsAndEveryExampleMustGiveAsMany() throws IOException {
        Path train = Files.writeString(tmp.resolve("train.jsonl"), """
                {"text": "calm sea", "score": [0.5, 2]}
                {"text": "rough sea", "label": [4, -1]}
                """);
        Path dev = Files.writeString(tmp.resolve("dev.tsv"), "sentence\tscore\ncalm sea\t0.5,2\nrough sea\t4\n");
        DataException e = assertThrows(DataException.class, () -> load(train, dev, 0));
        assertEquals(dev + ":3: 1 score, but " + train + ":1, the first training example, has 2 (every example of train, dev and test "
                + "needs one number per model output)", e.getMessage());

        Files.writeString(dev, "sentence\tscore\ncalm sea\t0.5,2\nrough sea\t4,-1\n");
        TaskData data = load(train, dev, 0);
        assertEquals(List.of("LABEL_0", "LABEL_1"), data.labelVocab(ProblemType.REGRESSION).names(), "HF's names for num_labels 2");
        assertEquals(2, data.size(Split.DEV));

        DataException model = assertThrows(DataException.class, () -> load(train, dev, 3));
        assertEquals(train + ":1: 2 scores, but the model has 3 outputs (every example of train, dev and test needs one number per "
                + "model output)", model.getMessage(), "eval checks the files against the saved model");
    }

    @Test
    void aDecimalCommaReadsAsTwoNumbersAndIsPointedOut() throws IOException {
        // "3,8" is two outputs, as the format says; where that breaks the count, the error says how to write 3.8.
        Path train = Files.writeString(tmp.resolve("train.tsv"), "sentence\tscore\ncalm sea\t3,8\nrough sea\t1,25\n");
        Path dev = Files.writeString(tmp.resolve("dev.tsv"), "sentence\tscore\ncalm sea\t4\n");
        DataException e = assertThrows(DataException.class, () -> load(train, dev, 0));
        assertEquals(dev + ":2: 1 score, but " + train + ":2, the first training example, has 2 (every example of train, dev and test "
                + "needs one number per model output; a field like '3,8' is two numbers: write a decimal comma as '.')", e.getMessage());

        // Where every score is written so, the count holds and a note says what was read.
        Files.writeString(dev, "sentence\tscore\ncalm sea\t4,5\n");
        TaskData data = load(train, dev, 0);
        assertEquals("note: every score in " + train + " is written like '3,8' (digits, a comma, digits), which reads as two numbers, "
                + "so the model gets 2 outputs; if ',' is a decimal comma there, write '3.8'", Scores.decimalCommaNote(data.texts().get(Split.TRAIN), train));
        // Numbers with a decimal point anywhere, or spaces after the commas, are taken as meant.
        Files.writeString(train, "sentence\tscore\ncalm sea\t3,8\nrough sea\t1.5,2\n");
        assertNull(Scores.decimalCommaNote(load(train, dev, 0).texts().get(Split.TRAIN), train));
        assertFalse(Scores.looksLikeDecimalComma("0.5, 2"));
    }

    @Test
    void theTargetsAreTheNumbersInOrderAndAnExampleMadeInCodeIsCheckedToo() {
        LabelVocab two = new LabelVocab(List.of("LABEL_0", "LABEL_1"));
        TextExample listed = new TextExample("a:1", "x", null, null, List.of("0.5", "2"));
        assertArrayEquals(new float[] {0.5f, 2f}, TaskEncoder.targets(listed, two, ProblemType.REGRESSION));
        assertArrayEquals(new float[] {0.5f, 2f}, TaskEncoder.targets(new TextExample("a:2", "x", null, "0.5,2"), two, ProblemType.REGRESSION));
        DataException one = assertThrows(DataException.class,
                () -> TaskEncoder.targets(new TextExample("a:3", "x", null, "0.5"), two, ProblemType.REGRESSION));
        assertEquals("a:3: 1 score, but the model has 2 outputs", one.getMessage());
        DataException words = assertThrows(DataException.class,
                () -> TaskEncoder.targets(new TextExample("a:4", "x", null, null, List.of("sea", "land")), two, ProblemType.REGRESSION));
        assertEquals("a:4: label [sea, land] is not a number (--problem regression reads a score, or several separated by commas)",
                words.getMessage());
    }

    /** n examples of random token ids with K random targets, for a model with vocabulary 30. */
    static List<TaskExample> examples(int n, int k, long seed) {
        Rng r = new Rng(seed);
        List<TaskExample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int len = 3 + r.nextInt(4);
            int[] ids = new int[len];
            for (int t = 0; t < len; t++) ids[t] = 1 + r.nextInt(29);
            float[] targets = new float[k];
            for (int j = 0; j < k; j++) targets[j] = r.nextInt(11) / 2f;
            out.add(new TaskExample(ids, new int[len], new int[] {BertTask.IGNORE_INDEX}, null, targets));
        }
        return out;
    }

    static BertTask model(int k) {
        List<String> names = new ArrayList<>();
        for (int j = 0; j < k; j++) names.add("LABEL_" + j);
        BertConfig c = BertConfig.of(30, 1, 16, 2, 32).withMaxPositions(16).withLabels(names).withProblemType(ProblemType.REGRESSION);
        return new BertForSequenceClassification(c, new Rng(3), new Rng(4));
    }

    @Test
    void devMetricsAreEachOutputsAndTheirMeanAndTheLossIsTheMseOverAllNumbers() {
        List<TaskExample> dev = examples(12, 3, 7);
        BertTask model = model(3);
        EvalResult r = TaskEvaluator.evaluate(model, TaskKind.SEQUENCE, dev, 3, 32, 0);
        float[] logits;
        Tensor targets;
        try (var ng = Autograd.noGrad()) {
            model.train(false);
            TaskBatch b = TaskBatch.of(dev, TaskKind.SEQUENCE, 0);
            Tensor out = model.logits(b.inputIds(), b.typeIds(), b.attentionMask());
            logits = out.toFloatArray();
            targets = b.labels();
            assertEquals(Losses.mse(out, targets).item(), r.loss(), 1e-6, "the engine's MSE over all 12 x 3 numbers");
        }
        assertEquals(List.of("pearson", "spearman", "mse", "pearson_0", "spearman_0", "mse_0", "pearson_1", "spearman_1", "mse_1",
                "pearson_2", "spearman_2", "mse_2"), List.copyOf(r.metrics().keySet()));
        assertEquals(3, r.outputs());
        double[] mean = new double[3];
        for (int j = 0; j < 3; j++) {
            double[] gold = new double[dev.size()], predicted = new double[dev.size()];
            for (int i = 0; i < dev.size(); i++) {
                gold[i] = dev.get(i).targets()[j];
                predicted[i] = logits[i * 3 + j];
            }
            assertEquals(RegressionMetrics.pearson(gold, predicted), r.metrics().get("pearson_" + j), 1e-12, "output " + j);
            assertEquals(RegressionMetrics.spearman(gold, predicted), r.metrics().get("spearman_" + j), 1e-12, "output " + j);
            assertEquals(RegressionMetrics.mse(gold, predicted), r.metrics().get("mse_" + j), 1e-12, "output " + j);
            mean[0] += r.metrics().get("pearson_" + j) / 3;
            mean[1] += r.metrics().get("spearman_" + j) / 3;
            mean[2] += r.metrics().get("mse_" + j) / 3;
        }
        assertEquals(mean[0], r.score("pearson"), 1e-12, "the headline, the default --metric: the mean Pearson");
        assertEquals(mean[1], r.metrics().get("spearman"), 1e-12);
        assertEquals(mean[2], r.metrics().get("mse"), 1e-12);
        assertEquals(r.loss(), r.metrics().get("mse"), 1e-5, "the mean of the outputs' MSEs is the MSE over all numbers");
        assertTrue(r.describe().startsWith("mean of 3 outputs: Pearson "), r.describe());
    }

    @Test
    void oneOutputReportsItsThreeMetricsAsBefore() {
        EvalResult r = TaskEvaluator.evaluate(model(1), TaskKind.SEQUENCE, examples(8, 1, 9), 1, 32, 0);
        assertEquals(List.of("pearson", "spearman", "mse"), List.copyOf(r.metrics().keySet()));
        assertEquals(1, r.outputs());
        assertTrue(r.describe().startsWith("Pearson "), r.describe());
    }
}
