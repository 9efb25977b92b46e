package jtrain.training.finetune;

/**
 * One encoded example. For sequences labels holds one id; for tagging it has one entry per token: the word's tag id
 * on the first sub-token of each word and -100 on later sub-tokens, special tokens (and, after batching, padding).
 *
 * @param wordIds for tagging, the index of the word each token starts (-1 elsewhere); null for sequences
 * @param targets the float targets of a regression (the score) or multi-label (1 for each label the example has, else
 *                0) sequence example, whose labels then hold -100; null for class ids and at predict time
 */
public record TaskExample(int[] ids, int[] typeIds, int[] labels, int[] wordIds, float[] targets) {
    /** An example labelled by class ids. */
    public TaskExample(int[] ids, int[] typeIds, int[] labels, int[] wordIds) {
        this(ids, typeIds, labels, wordIds, null);
    }
}
