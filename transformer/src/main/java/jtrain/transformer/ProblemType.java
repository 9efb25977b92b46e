package jtrain.transformer;

import java.util.Arrays;

/**
 * What a sequence classifier's outputs mean, HF's config.json "problem_type", which decides its training loss:
 * one score per output (mean squared error), one class out of the labels (cross-entropy over their softmax), or
 * any subset of the labels (binary cross-entropy on each label's logit).
 */
public enum ProblemType {
    REGRESSION("regression"),
    SINGLE_LABEL("single_label_classification"),
    MULTI_LABEL("multi_label_classification");

    /** The config.json value. */
    public final String hfName;

    ProblemType(String hfName) {
        this.hfName = hfName;
    }

    /** The type a config.json value names; another value is an error naming the source and the field. */
    public static ProblemType fromHfName(String name, String source) {
        for (ProblemType t : values()) if (t.hfName.equals(name)) return t;
        throw new IllegalArgumentException(source + ": unknown problem_type \"" + name + "\" (expected "
                + String.join(", ", Arrays.stream(values()).map(t -> "\"" + t.hfName + "\"").toList()) + ")");
    }

    /**
     * HF's choice when the config names none: one label is regression; more, with integer (class id) labels, single-label
     * classification; more with float labels, multi-label.
     */
    public static ProblemType inferred(int numLabels, boolean integerLabels) {
        if (numLabels == 1) return REGRESSION;
        return integerLabels ? SINGLE_LABEL : MULTI_LABEL;
    }

    /**
     * How a sequence classifier's outputs are read at prediction time, as HF's text-classification pipeline reads
     * them: the config's problem_type, else one label is a regression score and more are single-label classes.
     */
    public static ProblemType ofConfig(BertConfig config) {
        if (config.problemType() != null) return config.problemType();
        return config.labels().size() == 1 ? REGRESSION : SINGLE_LABEL;
    }
}
