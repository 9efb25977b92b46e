package jtrain.training.cli;

import java.util.Locale;

import jtrain.training.finetune.EvalResult;
import jtrain.training.finetune.TaskKind;
import jtrain.transformer.ProblemType;

/**
 * {@code ./trainer finetune --problem single_label|regression|multi_label}: how a sequence task's labels are read,
 * which decides the model's loss and the dev metrics (and the default --metric). The value is kept in
 * run_config.json as {@link #canonical} spells it (null for single-label).
 */
final class ProblemOption {
    static final String NAMES = "single_label, regression or multi_label";

    private ProblemOption() {}

    /** The problem type a --problem value names; single-label without one. */
    static ProblemType parse(String value) {
        if (value == null) return ProblemType.SINGLE_LABEL;
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "single_label", "single_label_classification" -> ProblemType.SINGLE_LABEL;
            case "regression" -> ProblemType.REGRESSION;
            case "multi_label", "multi_label_classification" -> ProblemType.MULTI_LABEL;
            default -> throw new IllegalArgumentException("--problem must be " + NAMES + ", got '" + value + "'");
        };
    }

    /** A --problem value in one spelling: null for single-label (the default), else regression or multi_label. */
    static String canonical(String value) {
        return switch (parse(value)) {
            case SINGLE_LABEL -> null;
            case REGRESSION -> "regression";
            case MULTI_LABEL -> "multi_label";
        };
    }

    /** The problem type of a task of this kind; only sequence tasks take a --problem. */
    static ProblemType of(String value, TaskKind kind) {
        ProblemType problem = parse(value);
        if (value != null && kind != TaskKind.SEQUENCE) throw new IllegalArgumentException("--problem is for sequence tasks; a token task has one tag per word");
        return problem;
    }

    /** The --metric of a run: the one given, which must be among the problem's metrics, else the problem's default. */
    static String metric(String given, ProblemType problem) {
        if (given == null) return EvalResult.defaultMetric(problem);
        try {
            EvalResult.requireMetric(given, problem);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--metric: " + e.getMessage());
        }
        return given;
    }

    /** The model's outputs, for the log: "1 output (a score)", "K outputs (a score each)", "N labels, any number per example" or "N labels". */
    static String describeOutputs(ProblemType problem, int labels) {
        return switch (problem) {
            case REGRESSION -> labels == 1 ? "1 output (a score)" : labels + " outputs (a score each)";
            case MULTI_LABEL -> labels + (labels == 1 ? " label" : " labels") + ", any number per example";
            case SINGLE_LABEL -> labels + (labels == 1 ? " label" : " labels");
        };
    }

    /** What the saved config.json records: the type for a sequence model (as HF saves it after training), none for tagging. */
    static ProblemType forConfig(ProblemType problem, TaskKind kind) {
        return kind == TaskKind.SEQUENCE ? problem : null;
    }
}
