package jtrain.training.finetune;

import java.util.List;

/**
 * Examples of one split after tokenisation.
 *
 * @param truncated examples longer than the maximum length, cut to fit
 * @param lostWords for tagging: words cut off by truncation (they are neither trained on nor scored)
 */
public record EncodedSet(List<TaskExample> examples, int truncated, int lostWords) {
    public int size() {
        return examples.size();
    }
}
