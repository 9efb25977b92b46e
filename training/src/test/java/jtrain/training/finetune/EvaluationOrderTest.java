package jtrain.training.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import jtrain.engine.Rng;
import jtrain.transformer.BertConfig;
import jtrain.transformer.BertForSequenceClassification;
import jtrain.transformer.BertForTokenClassification;
import jtrain.transformer.BertTask;

/**
 * Evaluation batches examples shortest first (TaskBatch.lengthOrder), so that a batch pads to similar lengths; what
 * it reports is what one example at a time gives: gold and predicted labels in the examples' own order (the study's
 * paired bootstrap matches them across runs by position), the same loss up to rounding.
 */
class EvaluationOrderTest {
    static final List<String> LABELS = List.of("a", "b", "c");

    /** n examples of 1 to 20 random ids; tagging examples have a label per token, some ignored. */
    static List<TaskExample> examples(int n, TaskKind kind, long seed) {
        Rng r = new Rng(seed);
        List<TaskExample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int len = 1 + r.nextInt(20);
            int[] ids = new int[len], labels = new int[kind == TaskKind.SEQUENCE ? 1 : len];
            for (int t = 0; t < len; t++) ids[t] = 1 + r.nextInt(29);
            for (int t = 0; t < labels.length; t++) labels[t] = r.nextInt(5) == 0 ? BertTask.IGNORE_INDEX : r.nextInt(3);
            out.add(new TaskExample(ids, new int[len], labels, null));
        }
        return out;
    }

    static BertConfig config() {
        return BertConfig.of(30, 1, 16, 2, 32).withMaxPositions(24).withLabels(LABELS);
    }

    @Test
    void taggingInLengthOrderReportsWhatOneSentenceAtATimeGives() {
        BertTask tagger = new BertForTokenClassification(config(), new Rng(3), new Rng(4));
        List<TaskExample> dev = examples(23, TaskKind.TOKEN, 11);
        EvalResult batched = TaskEvaluator.evaluate(tagger, TaskKind.TOKEN, dev, 3, 5, 0);
        EvalResult alone = TaskEvaluator.evaluate(tagger, TaskKind.TOKEN, dev, 3, 1, 0);
        assertArrayEquals(alone.gold(), batched.gold(), "gold tags in the sentences' order");
        assertArrayEquals(alone.predicted(), batched.predicted(), "each predicted tag in its gold tag's slot");
        assertEquals(alone.loss(), batched.loss(), 1e-6);
        assertEquals(alone.scored(), batched.scored());
    }

    @Test
    void sequencesInLengthOrderReportWhatOneTextAtATimeGives() {
        BertTask classifier = new BertForSequenceClassification(config(), new Rng(5), new Rng(6));
        List<TaskExample> dev = examples(17, TaskKind.SEQUENCE, 12);
        EvalResult batched = TaskEvaluator.evaluate(classifier, TaskKind.SEQUENCE, dev, 3, 4, 0);
        EvalResult alone = TaskEvaluator.evaluate(classifier, TaskKind.SEQUENCE, dev, 3, 1, 0);
        assertArrayEquals(alone.gold(), batched.gold());
        assertArrayEquals(alone.predicted(), batched.predicted());
        assertEquals(alone.loss(), batched.loss(), 1e-6);
    }

    @Test
    void scoresInLengthOrderGiveTheMetricsOfOneTextAtATime() {
        List<TaskExample> dev = RegressionOutputsTest.examples(15, 2, 13); // 3 to 6 tokens each
        BertTask model = RegressionOutputsTest.model(2);
        EvalResult batched = TaskEvaluator.evaluate(model, TaskKind.SEQUENCE, dev, 2, 4, 0);
        EvalResult alone = TaskEvaluator.evaluate(model, TaskKind.SEQUENCE, dev, 2, 1, 0);
        for (String m : alone.metrics().keySet()) assertEquals(alone.metrics().get(m), batched.metrics().get(m), 1e-6, m);
        assertEquals(alone.loss(), batched.loss(), 1e-6);
    }

    @Test
    void theOrderIsShortestFirstWithTiesInTheExamplesOrder() {
        List<TaskExample> ex = new ArrayList<>();
        for (int len : new int[] {4, 2, 4, 1, 2}) ex.add(new TaskExample(new int[len], new int[len], new int[] {0}, null));
        assertArrayEquals(new int[] {3, 1, 4, 0, 2}, TaskBatch.lengthOrder(ex));
    }
}
