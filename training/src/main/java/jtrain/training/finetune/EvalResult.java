package jtrain.training.finetune;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jtrain.training.run.StateJson;
import jtrain.transformer.ProblemType;

/**
 * Scores of a model on one split. For tagging, every number is over scored words (first sub-tokens), not tokens.
 * Regression and multi-label sequence models have their own metrics (see {@link #ofScores}); their accuracy and
 * macroF1 components are NaN, gold and predicted null.
 *
 * @param loss      mean loss per scored item: cross-entropy; for regression the squared error, for multi-label the
 *                  binary cross-entropy averaged over the labels
 * @param scored    examples (sequences) or words (tagging) that were scored
 * @param gold      the gold label id of every scored item, in order
 * @param predicted the arg-max prediction of every scored item
 * @param problem   what the outputs mean, which decides the metrics
 * @param metrics   the named metrics, in the order they are reported (single-label: accuracy, macro_f1)
 */
public record EvalResult(double loss, double accuracy, double macroF1, int scored, int[] gold, int[] predicted,
                         ProblemType problem, Map<String, Double> metrics) {

    /**
     * A regression model's metrics; with several outputs each is their mean over the outputs, and each output's own
     * follow as pearson_0, spearman_0, mse_0, pearson_1...
     */
    public static final List<String> REGRESSION_METRICS = List.of("pearson", "spearman", "mse");

    /** The metrics of each problem type, the first one the default that picks the best model (loss applies to all). */
    private static final Map<ProblemType, List<String>> METRICS = Map.of(
            ProblemType.SINGLE_LABEL, List.of("macro_f1", "accuracy"),
            ProblemType.REGRESSION, REGRESSION_METRICS,
            ProblemType.MULTI_LABEL, List.of("micro_f1", "macro_f1", "exact_match"));

    /** A classification result (single-label, or tagging). */
    public EvalResult(double loss, double accuracy, double macroF1, int scored, int[] gold, int[] predicted) {
        this(loss, accuracy, macroF1, scored, gold, predicted, ProblemType.SINGLE_LABEL, orderedOf("accuracy", accuracy, "macro_f1", macroF1));
    }

    /** A regression or multi-label result: its loss, how many examples, and its metrics by name. */
    public static EvalResult ofScores(ProblemType problem, double loss, int scored, Map<String, Double> metrics) {
        return new EvalResult(loss, Double.NaN, Double.NaN, scored, null, null, problem, new LinkedHashMap<>(metrics));
    }

    /** The metric that picks the best model when --metric is not given: macro_f1, pearson or micro_f1. */
    public static String defaultMetric(ProblemType problem) {
        return METRICS.get(problem).getFirst();
    }

    /** Refuses a metric name that the problem type does not report, listing those it does. */
    public static void requireMetric(String metric, ProblemType problem) {
        if (!metric.equals("loss") && !METRICS.get(problem).contains(metric)) {
            List<String> names = new ArrayList<>(METRICS.get(problem));
            names.add("loss");
            throw new IllegalArgumentException("unknown metric '" + metric + "' for " + problem.hfName + " (" + String.join(", ", names) + ")");
        }
    }

    /** Refuses a metric name no problem type reports. */
    static void requireKnownMetric(String metric) {
        for (ProblemType p : ProblemType.values()) if (metric.equals("loss") || METRICS.get(p).contains(metric)) return;
        throw new IllegalArgumentException("unknown metric '" + metric + "' (accuracy, macro_f1 or loss; regression: pearson, spearman, "
                + "mse; multi-label: micro_f1, macro_f1, exact_match)");
    }

    /**
     * The metric early stopping watches; higher is better (loss and mse are negated). An undefined correlation or F1
     * of a regression or multi-label model (NaN: constant predictions) scores lowest, so any later defined one improves on it.
     */
    public double score(String metric) {
        requireMetric(metric, problem);
        double score = switch (metric) {
            case "loss" -> -loss;
            case "mse" -> -metrics.get(metric);
            default -> metrics.get(metric);
        };
        return problem != ProblemType.SINGLE_LABEL && Double.isNaN(score) ? Double.NEGATIVE_INFINITY : score;
    }

    /** {prefix_loss, prefix_METRIC..., prefix_scored} for metrics lines and results.json. */
    public Map<String, Object> toMap(String prefix) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(prefix + "_loss", loss);
        metrics.forEach((name, value) -> m.put(prefix + "_" + name, value));
        m.put(prefix + "_scored", scored);
        return m;
    }

    /**
     * The scores written by {@link #toMap} read back (a checkpoint's best dev evaluation) for a model of this problem
     * type, which decides the metric names; the per-item gold labels and predictions are not saved, so they are null.
     * source names the file in errors.
     */
    public static EvalResult fromMap(Map<String, Object> m, String prefix, ProblemType problem, String source) {
        double loss = StateJson.number(m, prefix + "_loss", source).doubleValue();
        int scored = StateJson.number(m, prefix + "_scored", source).intValue();
        if (problem == ProblemType.SINGLE_LABEL) {
            return new EvalResult(loss, StateJson.number(m, prefix + "_accuracy", source).doubleValue(),
                    StateJson.number(m, prefix + "_macro_f1", source).doubleValue(), scored, null, null);
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (String name : METRICS.get(problem)) metrics.put(name, StateJson.number(m, prefix + "_" + name, source).doubleValue());
        if (problem == ProblemType.REGRESSION) { // a model with several outputs: each output's, in the order they were written
            for (int j = 0; m.containsKey(prefix + "_pearson_" + j); j++) {
                for (String name : REGRESSION_METRICS) metrics.put(name + "_" + j, StateJson.number(m, prefix + "_" + name + "_" + j, source).doubleValue());
            }
        }
        return ofScores(problem, loss, scored, metrics);
    }

    /** A regression model's outputs: 1, or as many as have their own metrics (pearson_0, pearson_1...). */
    public int outputs() {
        int k = 0;
        while (metrics.containsKey("pearson_" + k)) k++;
        return Math.max(k, 1);
    }

    /** Pearson, Spearman and MSE of one output of a regression model with several, as {@link #describe} prints the mean. */
    public String describeOutput(int j) {
        return String.format("Pearson %.4f, Spearman %.4f, MSE %.4f", metrics.get("pearson_" + j), metrics.get("spearman_" + j), metrics.get("mse_" + j));
    }

    public String describe() {
        return switch (problem) {
            case SINGLE_LABEL -> String.format("accuracy %.2f%%, macro-F1 %.2f%%, loss %.4f over %,d", 100 * accuracy, 100 * macroF1, loss, scored);
            case REGRESSION -> String.format("%sPearson %.4f, Spearman %.4f, MSE %.4f over %,d", outputs() > 1 ? "mean of " + outputs() + " outputs: " : "",
                    metrics.get("pearson"), metrics.get("spearman"), metrics.get("mse"), scored);
            case MULTI_LABEL -> String.format("micro-F1 %.2f%%, macro-F1 %.2f%%, exact match %.2f%%, loss %.4f over %,d",
                    100 * metrics.get("micro_f1"), 100 * metrics.get("macro_f1"), 100 * metrics.get("exact_match"), loss, scored);
        };
    }

    private static Map<String, Double> orderedOf(String k1, double v1, String k2, double v2) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }
}
