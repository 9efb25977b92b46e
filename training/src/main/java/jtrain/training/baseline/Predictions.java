package jtrain.training.baseline;

import jtrain.training.finetune.EvalResult;
import jtrain.training.finetune.Metrics;

/** A baseline's gold and predicted label ids, one pair per scored example (or word, for tagging), in order. */
public record Predictions(int[] gold, int[] predicted) {

    /** The score under metric ("accuracy" or "macro_f1"), as {@link EvalResult#score} gives it. */
    public double score(String metric, int numLabels) {
        return asEvalResult(numLabels).score(metric);
    }

    /** As an evaluation result (a baseline has no loss: NaN), for the bootstrap's test units. */
    public EvalResult asEvalResult(int numLabels) {
        return new EvalResult(Double.NaN, Metrics.accuracy(gold, predicted), Metrics.macroF1(gold, predicted, numLabels), gold.length, gold, predicted);
    }
}
