package jtrain.training.finetune;

import java.util.LinkedHashMap;
import java.util.Map;

import jtrain.training.run.StateJson;

/**
 * Scores of a model on one split. For tagging, every number is over scored words (first sub-tokens), not tokens.
 *
 * @param loss     mean cross-entropy per scored item
 * @param scored   examples (sequences) or words (tagging) that were scored
 * @param gold     the gold label id of every scored item, in order
 * @param predicted the arg-max prediction of every scored item
 */
public record EvalResult(double loss, double accuracy, double macroF1, int scored, int[] gold, int[] predicted) {

    /** The metric early stopping watches; higher is better (loss is negated). */
    public double score(String metric) {
        return switch (metric) {
            case "accuracy" -> accuracy;
            case "macro_f1" -> macroF1;
            case "loss" -> -loss;
            default -> throw new IllegalArgumentException("unknown metric '" + metric + "' (accuracy, macro_f1 or loss)");
        };
    }

    /** {prefix_loss, prefix_accuracy, prefix_macro_f1, prefix_scored} for metrics lines and results.json. */
    public Map<String, Object> toMap(String prefix) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(prefix + "_loss", loss);
        m.put(prefix + "_accuracy", accuracy);
        m.put(prefix + "_macro_f1", macroF1);
        m.put(prefix + "_scored", scored);
        return m;
    }

    /**
     * The scores written by {@link #toMap} read back (a checkpoint's best dev evaluation); the per-item gold labels and
     * predictions are not saved, so they are null. source names the file in errors.
     */
    public static EvalResult fromMap(Map<String, Object> m, String prefix, String source) {
        return new EvalResult(StateJson.number(m, prefix + "_loss", source).doubleValue(),
                StateJson.number(m, prefix + "_accuracy", source).doubleValue(), StateJson.number(m, prefix + "_macro_f1", source).doubleValue(),
                StateJson.number(m, prefix + "_scored", source).intValue(), null, null);
    }

    public String describe() {
        return String.format("accuracy %.2f%%, macro-F1 %.2f%%, loss %.4f over %,d", 100 * accuracy, 100 * macroF1, loss, scored);
    }
}
