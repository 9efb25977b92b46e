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
 * regression by MSE, Pearson and Spearman of the score (the raw output); multi-label by micro/macro F1 and exact
 * match of the labels whose sigmoid probability is above 0.5.
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
            for (int from = 0; from < n; from += batchSize) {
                try (var mem = MemoryScope.open(model.device())) {
                    List<TaskExample> chunk = examples.subList(from, Math.min(n, from + batchSize));
                    TaskBatch b = TaskBatch.of(chunk, TaskKind.SEQUENCE, padId);
                    Tensor logits = model.logits(b.inputIds(), b.typeIds(), b.attentionMask());
                    lossSum += model.loss(logits, b.labels()).item() * chunk.size();
                    System.arraycopy(logits.toFloatArray(), 0, outputs, from * width, chunk.size() * width);
                }
            }
        } finally {
            model.train(wasTraining);
        }
        Map<String, Double> metrics = problem == ProblemType.REGRESSION ? regression(examples, outputs) : multiLabel(examples, outputs, width);
        return EvalResult.ofScores(problem, lossSum / n, n, metrics);
    }

    private static Map<String, Double> regression(List<TaskExample> examples, float[] outputs) {
        double[] gold = new double[examples.size()], predicted = new double[examples.size()];
        for (int i = 0; i < gold.length; i++) {
            gold[i] = examples.get(i).targets()[0];
            predicted[i] = outputs[i];
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("pearson", RegressionMetrics.pearson(gold, predicted));
        m.put("spearman", RegressionMetrics.spearman(gold, predicted));
        m.put("mse", RegressionMetrics.mse(gold, predicted));
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
