package jtrain.training.data;

import java.util.ArrayList;
import java.util.List;

/**
 * One example for sequence classification. docId names the document the text came from, so that splits keep every
 * passage of a document on the same side. textB is null for single-text tasks, label null for unlabeled text.
 *
 * @param labelList the labels of a multi-label example given as a list (JSONL "label": ["a", "b"]); null otherwise
 */
public record TextExample(String docId, String text, String textB, String label, List<String> labelList) {
    /** Separates the labels of a multi-label example in a .tsv/.csv label field ("sports,politics"). */
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
}
