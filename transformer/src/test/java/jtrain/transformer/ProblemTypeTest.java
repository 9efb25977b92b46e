package jtrain.transformer;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.engine.io.Json;
import jtrain.engine.ops.Losses;
import jtrain.engine.ops.Nn;

/**
 * A sequence head's loss follows config.json "problem_type" as in HF's BertForSequenceClassification: regression
 * (mean squared error), single-label (cross-entropy) or multi-label (binary cross-entropy on every logit); without a
 * problem_type, one label means regression, integer labels single-label and float labels multi-label.
 */
class ProblemTypeTest {
    @TempDir
    Path tmp;

    static BertConfig parse(String json) {
        return BertConfig.fromJson(Json.parseObject(json, "config.json"), "config.json");
    }

    static BertForSequenceClassification head(int labels, ProblemType type) {
        BertConfig c = CheckpointTest.tiny().withLabels(TorchCrossCheckTest.labels(labels)).withProblemType(type);
        BertForSequenceClassification m = new BertForSequenceClassification(c, new Rng(1), new Rng(2));
        m.train(false);
        return m;
    }

    static Tensor logitsOf(BertForSequenceClassification m) {
        return m.logits(CheckpointTest.ids(), null, null);
    }

    @Test
    void problemTypeIsReadAndWrittenUnderHfsNamesAndStaysAbsentWhenUnset() throws Exception {
        assertEquals(ProblemType.REGRESSION, parse("{\"problem_type\": \"regression\"}").problemType());
        assertEquals(ProblemType.MULTI_LABEL, parse("{\"problem_type\": \"multi_label_classification\"}").problemType());
        assertNull(parse("{\"problem_type\": null}").problemType(), "null is unset, as in HF");
        assertNull(parse("{}").problemType());

        HfCheckpoint.save(head(3, ProblemType.MULTI_LABEL), tmp);
        Map<String, Object> saved = Json.readObject(tmp.resolve("config.json"));
        assertEquals("multi_label_classification", saved.get("problem_type"));
        assertEquals(ProblemType.MULTI_LABEL, HfCheckpoint.readConfig(tmp).problemType());

        HfCheckpoint.save(head(3, null), tmp.resolve("unset"));
        assertFalse(Json.readObject(tmp.resolve("unset/config.json")).containsKey("problem_type"), "HF writes no null problem_type");
        assertFalse(parse("{\"problem_type\": \"regression\"}").extra().containsKey("problem_type"), "a field of its own, not an extra");
    }

    @Test
    void anUnknownProblemTypeNamesFileKeyAndValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse("{\"problem_type\": \"ranking\"}"));
        assertEquals("config.json: unknown problem_type \"ranking\" (expected \"regression\", \"single_label_classification\", "
                + "\"multi_label_classification\")", e.getMessage());
        IllegalArgumentException notText = assertThrows(IllegalArgumentException.class, () -> parse("{\"problem_type\": 1}"));
        assertTrue(notText.getMessage().startsWith("config.json: field 'problem_type' must be a string"), notText.getMessage());
    }

    @Test
    void withoutProblemTypeTheLossFollowsHfsInference() {
        Tensor ints = Tensor.ofInts(new int[] {1, 0}, 2), floats = Tensor.of(new float[] {1, 0}, 2);
        assertEquals(ProblemType.REGRESSION, head(1, null).problemType(floats), "one label: regression (cross-encoders, STS-B)");
        assertEquals(ProblemType.REGRESSION, head(1, null).problemType(ints), "also with integer scores");
        assertEquals(ProblemType.SINGLE_LABEL, head(3, null).problemType(ints));
        assertEquals(ProblemType.MULTI_LABEL, head(3, null).problemType(Tensor.of(new float[6], 2, 3)));
        assertEquals(ProblemType.REGRESSION, head(3, ProblemType.REGRESSION).problemType(ints), "a named type wins");
    }

    @Test
    void predictionReadsOneOutputAsAScoreAndMoreAsClassesUnlessTheConfigSaysOtherwise() {
        assertEquals(ProblemType.REGRESSION, ProblemType.ofConfig(parse("{\"num_labels\": 1}")), "a cross-encoder's config");
        assertEquals(ProblemType.SINGLE_LABEL, ProblemType.ofConfig(parse("{\"num_labels\": 3}")));
        assertEquals(ProblemType.MULTI_LABEL, ProblemType.ofConfig(parse("{\"num_labels\": 3, \"problem_type\": \"multi_label_classification\"}")));
    }

    @Test
    void regressionWithOneLabelIsTheSquaredErrorOfTheSingleScore() {
        BertForSequenceClassification m = head(1, null);
        Tensor logits = logitsOf(m);
        assertArrayEquals(new int[] {2, 1}, logits.shape());
        Tensor scores = Tensor.of(new float[] {0.5f, -1.25f}, 2);
        float[] x = logits.toFloatArray();
        double expected = (Math.pow(x[0] - 0.5, 2) + Math.pow(x[1] + 1.25, 2)) / 2;
        assertEquals(expected, m.loss(logits, scores).item(), 1e-6);
        assertEquals(expected, m.loss(logits, scores.reshape(2, 1)).item(), 1e-6, "(B, 1) scores too, as HF squeezes both");
        assertEquals(Math.pow(x[0] - 2, 2) / 2 + Math.pow(x[1], 2) / 2, m.loss(logits, Tensor.ofInts(new int[] {2, 0}, 2)).item(), 1e-6,
                "integer scores are converted");
    }

    @Test
    void regressionWithSeveralOutputsIsTheMeanSquaredErrorOverEveryOutputOfEveryExample() {
        BertForSequenceClassification m = head(3, ProblemType.REGRESSION);
        Tensor logits = logitsOf(m);
        assertArrayEquals(new int[] {2, 3}, logits.shape());
        Tensor targets = Tensor.of(new float[] {0.5f, -1.25f, 2, 4, 0, -3}, 2, 3);
        float[] x = logits.toFloatArray(), y = targets.toFloatArray();
        double sum = 0;
        for (int i = 0; i < 6; i++) sum += Math.pow(x[i] - y[i], 2);
        Tensor loss = m.loss(logits, targets);
        assertEquals(sum / 6, loss.item(), 1e-6, "mean over B x K = 6 numbers, as torch's MSELoss(reduction='mean')");
        assertEquals(Losses.mse(logits.detach(), targets).item(), loss.item(), "the engine's MSE on (B, K)");

        loss.backward();
        float[] biasGrad = m.namedParameters().get("classifier.bias").grad().toFloatArray();
        for (int j = 0; j < 3; j++) { // d/db_j mean((x - y)^2) = sum over the batch of 2 (x_ij - y_ij) / (B K)
            double expected = (2 * (x[j] - y[j]) + 2 * (x[3 + j] - y[3 + j])) / 6;
            assertEquals(expected, biasGrad[j], 1e-5, "output " + j);
        }
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class, () -> m.loss(logits, Tensor.of(new float[4], 2, 2)));
        assertTrue(wrong.getMessage().contains("mse_loss: input [2, 3] and target [2, 2] must have the same shape"), wrong.getMessage());
    }

    @Test
    void multiLabelIsBinaryCrossEntropyOverEveryLogit() {
        BertForSequenceClassification m = head(4, null);
        Tensor logits = logitsOf(m);
        Tensor targets = Tensor.of(new float[] {1, 0, 0, 1, 0, 1, 1, 1}, 2, 4);
        double expected = 0;
        float[] x = logits.toFloatArray(), y = targets.toFloatArray();
        for (int i = 0; i < x.length; i++) expected += -(y[i] * Math.log(sigmoid(x[i])) + (1 - y[i]) * Math.log(1 - sigmoid(x[i])));
        assertEquals(expected / x.length, m.loss(logits, targets).item(), 1e-6);
        Tensor intTargets = Tensor.ofInts(new int[] {1, 0, 0, 1, 0, 1, 1, 1}, 2, 4);
        assertEquals(expected / x.length, head(4, ProblemType.MULTI_LABEL).loss(logits, intTargets).item(), 1e-6,
                "named multi-label takes integer 0/1 targets too");
    }

    @Test
    void singleLabelStaysCrossEntropyOverClassIds() {
        BertForSequenceClassification m = head(3, null);
        Tensor logits = logitsOf(m), ids = Tensor.ofInts(new int[] {2, 0}, 2);
        assertEquals(Nn.crossEntropy(logits, ids, BertTask.IGNORE_INDEX).item(), m.loss(logits, ids).item());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> head(3, ProblemType.SINGLE_LABEL).loss(logits, Tensor.of(new float[] {2, 0}, 2)));
        assertTrue(e.getMessage().startsWith("single_label_classification needs integer class ids"), e.getMessage());
    }

    @Test
    void theLossTrainsTheHeadThroughTheEngineOps() {
        BertForSequenceClassification m = head(1, ProblemType.REGRESSION);
        Tensor logits = logitsOf(m), scores = Tensor.of(new float[] {0.5f, -1.25f}, 2);
        m.loss(logits, scores).backward();
        Tensor bias = m.namedParameters().get("classifier.bias");
        float[] x = logits.toFloatArray();
        // d/db mean((x - y)^2) = mean(2 (x - y))
        assertEquals((2 * (x[0] - 0.5) + 2 * (x[1] + 1.25)) / 2, bias.grad().item(), 1e-5);
        assertEquals(Losses.mse(logits.detach().reshape(-1), scores).item(), m.loss(logits, scores).item(), 1e-7);
    }

    @Test
    void headsNeedALabelAndSingleLabelNeedsTwo() {
        assertThrows(IllegalArgumentException.class, () -> head(0, null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> head(1, ProblemType.SINGLE_LABEL));
        assertEquals("single_label_classification needs at least 2 labels in the config, got 1 (one output is problem_type \"regression\")",
                e.getMessage());
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }
}
