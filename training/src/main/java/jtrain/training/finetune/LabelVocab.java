package jtrain.training.finetune;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import jtrain.training.data.DataException;

/**
 * Label names and their ids. Built from the training data in sorted order, so the ids do not depend on the order
 * of the examples. A label that training never saw has no id: {@link #id} then fails with a message naming the
 * label and where it occurs (we refuse such data rather than silently mapping it, since the model can never
 * predict it and its score would be meaningless).
 */
public final class LabelVocab {
    private final List<String> names;
    private final Map<String, Integer> ids = new HashMap<>();

    public LabelVocab(List<String> names) {
        this.names = List.copyOf(names);
        for (int i = 0; i < this.names.size(); i++) {
            if (ids.put(this.names.get(i), i) != null) throw new IllegalArgumentException("duplicate label " + this.names.get(i));
        }
    }

    public static LabelVocab of(Iterable<String> labels, String source) {
        TreeSet<String> set = new TreeSet<>();
        for (String l : labels) {
            if (l == null) throw new DataException(source + ": an example has no label (training data must be labelled)");
            set.add(l);
        }
        if (set.size() < 2) throw new DataException(source + ": need at least 2 different labels, found " + set);
        return new LabelVocab(new ArrayList<>(set));
    }

    public int size() {
        return names.size();
    }

    public List<String> names() {
        return names;
    }

    public String name(int id) {
        return names.get(id);
    }

    /** where: the example's document id, for the error message. */
    public int id(String label, String where) {
        Integer id = label == null ? null : ids.get(label);
        if (id == null) {
            throw new DataException(where + ": label '" + label + "' does not occur in the training data (known labels: "
                    + String.join(", ", names) + ")");
        }
        return id;
    }
}
