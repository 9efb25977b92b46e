package jtrain.training.finetune;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jtrain.engine.Autograd;
import jtrain.engine.MemoryScope;
import jtrain.engine.Tensor;
import jtrain.transformer.BertTask;
import jtrain.transformer.ProblemType;

/**
 * Evaluates a regression or multi-label sequence model (examples with float targets) without gradients, dropout off:
 * regression by MSE, Pearson and Spearman of the scores (the raw outputs; with several outputs, each output's and
 * their mean); multi-label by micro/macro F1 and exact match of the labels whose sigmoid probability is above 0.5.
 */
final class ScoreEvaluator {
    private ScoreEvaluator() {}

    static EvalResult evaluate(BertTask model, ProblemType problem, List<TaskExample> examples, int batchSize, int padId) {
        for (TaskExample e : examples) {
            if (e.targets() == null) throw new IllegalArgumentException("a " + problem.hfName + " model is scored on examples with targets");
        }
        int n = examples.size(), width = examples.getFirst().targets().length;
        float[] outputs = new float[n * width];
        double lossSum = 0;
        boolean wasTraining = model.isTraining();
        model.train(false);
        try (var ng = Autograd.noGrad()) {
            int[] order = TaskBatch.lengthOrder(examples); // batches of similar length; outputs kept in the examples' order
            for (int from = 0; from < n; from += batchSize) {
                try (var mem = MemoryScope.open(model.device())) {
                    int to = Math.min(n, from + batchSize);
                    TaskBatch b = TaskBatch.of(TaskBatch.pick(examples, order, from, to), TaskKind.SEQUENCE, padId);
                    Tensor logits = model.logits(b.inputIds(), b.typeIds(), b.attentionMask());
                    lossSum += model.loss(logits, b.labels()).item() * (to - from);
                    float[] out = logits.toFloatArray();
                    for (int r = 0; r < to - from; r++) System.arraycopy(out, r * width, outputs, order[from + r] * width, width);
                }
            }
        } finally {
            model.train(wasTraining);
        }
        Map<String, Double> metrics = problem == ProblemType.REGRESSION ? regression(examples, outputs, width) : multiLabel(examples, outputs, width);
        return EvalResult.ofScores(problem, lossSum / n, n, metrics);
    }

    /**
     * Pearson, Spearman and MSE of the outputs against the gold numbers. With K > 1 outputs, those three are the mean
     * over the outputs (the MSE's mean is the MSE over all B × K numbers, as the loss) and each output's follow as
     * pearson_0, spearman_0, mse_0, pearson_1... (in that order, which {@link EvalResult#fromMap} reads back).
     */
    private static Map<String, Double> regression(List<TaskExample> examples, float[] outputs, int width) {
        Map<String, Double> perOutput = new LinkedHashMap<>();
        double[] mean = new double[3];
        for (int j = 0; j < width; j++) {
            double[] gold = new double[examples.size()], predicted = new double[examples.size()];
            for (int i = 0; i < gold.length; i++) {
                gold[i] = examples.get(i).targets()[j];
                predicted[i] = outputs[i * width + j];
            }
            double[] scores = {RegressionMetrics.pearson(gold, predicted), RegressionMetrics.spearman(gold, predicted),
                    RegressionMetrics.mse(gold, predicted)};
            for (int m = 0; m < 3; m++) {
                mean[m] += scores[m] / width;
                perOutput.put(EvalResult.REGRESSION_METRICS.get(m) + "_" + j, scores[m]);
            }
        }
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < 3; i++) m.put(EvalResult.REGRESSION_METRICS.get(i), mean[i]);
        if (width > 1) m.putAll(perOutput);
        return m;
    }

    private static Map<String, Double> multiLabel(List<TaskExample> examples, float[] outputs, int width) {
        boolean[][] gold = new boolean[examples.size()][width], predicted = new boolean[examples.size()][width];
        for (int i = 0; i < gold.length; i++) {
            for (int j = 0; j < width; j++) {
                gold[i][j] = examples.get(i).targets()[j] > 0.5f;
                predicted[i][j] = outputs[i * width + j] > 0; // sigmoid(x) > 0.5
            }
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("micro_f1", MultiLabelMetrics.microF1(gold, predicted));
        m.put("macro_f1", MultiLabelMetrics.macroF1(gold, predicted));
        m.put("exact_match", MultiLabelMetrics.exactMatch(gold, predicted));
        return m;
    }
}
