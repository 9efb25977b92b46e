package jtrain.training.baseline;

import jtrain.training.finetune.EvalResult;
import jtrain.training.finetune.Metrics;

/** A baseline's gold and predicted label ids, one pair per scored example (or word, for tagging), in order. */
public record Predictions(int[] gold, int[] predicted) {

    public double score(String metric, int numLabels) {
        return switch (metric) {
            case "accuracy" -> Metrics.accuracy(gold, predicted);
            case "macro_f1" -> Metrics.macroF1(gold, predicted, numLabels);
            default -> throw new IllegalArgumentException("no baseline score for metric '" + metric + "'");
        };
    }

    /** As an evaluation result (a baseline has no loss: NaN), for the bootstrap's test units. */
    public EvalResult asEvalResult(int numLabels) {
        return new EvalResult(Double.NaN, Metrics.accuracy(gold, predicted), Metrics.macroF1(gold, predicted, numLabels), gold.length, gold, predicted);
    }
}
