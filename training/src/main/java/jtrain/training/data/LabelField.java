package jtrain.training.data;

import java.util.List;

/**
 * How the label column of a labelled .tsv/.csv file is found and read, which depends on what the labels are: the
 * caller picks it from the problem type of the task.
 */
public enum LabelField {
    /** One label per row (single-label classification): a "label" column, no row without one. */
    ONE(List.of("label"), false),
    /**
     * Numbers per row (regression), one per model output, several separated by commas ("0.5,2"; see {@link Scores}):
     * a "label" column, else "score" (GLUE STS-B's name); no row without them.
     */
    SCORE(List.of("label", "score"), false),
    /** Any number of comma-separated labels (multi-label): a "label" column; an empty field is a row with none. */
    SET(List.of("label"), true);

    /** The header names the column may have, the first present wins (compared ignoring case and blanks). */
    public final List<String> columnNames;
    /** Whether an empty field is an example with no labels rather than an error. */
    public final boolean emptyMeansNone;

    LabelField(List<String> columnNames, boolean emptyMeansNone) {
        this.columnNames = columnNames;
        this.emptyMeansNone = emptyMeansNone;
    }
}
