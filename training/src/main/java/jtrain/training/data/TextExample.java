package jtrain.training.data;

import java.util.ArrayList;
import java.util.List;

/**
 * One example for sequence classification. docId names the document the text came from, so that splits keep every
 * passage of a document on the same side. textB is null for single-text tasks, label null for unlabeled text.
 *
 * @param labelList the labels of a multi-label example given as a list (JSONL "label": ["a", "b"]), or the numbers of a
 *                  regression example with several outputs (JSONL "score": [0.5, 2], kept as written); null otherwise
 */
public record TextExample(String docId, String text, String textB, String label, List<String> labelList) {
    /** Separates the labels of a multi-label example ("sports,politics") or the numbers of a regression one ("0.5,2") in a .tsv/.csv label field. */
    public static final String LABEL_SEPARATOR = ",";

    public TextExample {
        labelList = labelList == null ? null : List.copyOf(labelList);
    }

    /** An example with at most one label. */
    public TextExample(String docId, String text, String textB, String label) {
        this(docId, text, textB, label, null);
    }

    public boolean hasLabel() {
        return label != null || labelList != null;
    }

    /**
     * The labels of a multi-label example: the list, or the label field split on commas (blanks around each name are
     * dropped, empty names skipped); none when unlabelled.
     */
    public List<String> multiLabels() {
        if (labelList != null) return labelList;
        if (label == null) return List.of();
        List<String> names = new ArrayList<>();
        for (String name : label.split(LABEL_SEPARATOR)) if (!name.isBlank()) names.add(name.strip());
        return names;
    }

    /**
     * The numbers of a regression example, one per model output: the list, or the label field split on commas (see
     * {@link Scores}); a label that is not numbers is an error naming the example.
     */
    public float[] scores() {
        if (!hasLabel()) throw new DataException(docId + ": an example has no label (training data must be labelled)");
        float[] scores = labelList != null ? Scores.parse(labelList) : Scores.parse(label);
        if (scores == null) {
            throw new DataException(docId + ": label " + (labelList != null ? labelList.toString() : "'" + label + "'")
                    + " is not a number (--problem regression reads a score, or several separated by commas)");
        }
        return scores;
    }
}
