package jtrain.training.finetune;

/**
 * One encoded example. For sequences labels holds one id; for tagging it has one entry per token: the word's tag id
 * on the first sub-token of each word and -100 on later sub-tokens, special tokens (and, after batching, padding).
 *
 * @param wordIds for tagging, the index of the word each token starts (-1 elsewhere); null for sequences
 */
public record TaskExample(int[] ids, int[] typeIds, int[] labels, int[] wordIds) {}
