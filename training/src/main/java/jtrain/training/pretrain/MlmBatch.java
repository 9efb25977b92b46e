package jtrain.training.pretrain;

import java.util.List;
import java.util.Set;

import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.training.tokenizer.BertTokenizer;

/**
 * One masked-LM batch: sequences padded to the longest, freshly masked.
 *
 * @param inputIds      (B, T) ids with masking applied
 * @param attentionMask (B, T) 1 for tokens, 0 for padding
 * @param labels        (B, T) original ids at predicted positions, -100 elsewhere
 * @param tokens        real (non-padding) tokens in the batch
 * @param predicted     positions that carry a label
 */
public record MlmBatch(Tensor inputIds, Tensor attentionMask, Tensor labels, int tokens, int predicted) {

    /** The special ids masking must skip and the ids it inserts. */
    public record Vocab(int size, int padId, int maskId, Set<Integer> special, boolean[] continuation) {
        /** A tokenizer's special tokens and "##" continuation pieces. */
        public static Vocab of(BertTokenizer tok) {
            jtrain.training.tokenizer.Vocab v = tok.vocab();
            Set<Integer> special = new java.util.HashSet<>();
            for (String s : tok.specialTokens().all()) special.add(v.id(s));
            boolean[] continuation = new boolean[v.size()];
            for (int i = 0; i < v.size(); i++) continuation[i] = v.token(i).startsWith("##");
            return new Vocab(v.size(), v.id(tok.specialTokens().pad()), v.id(tok.specialTokens().mask()), special, continuation);
        }
    }

    public static MlmBatch of(List<int[]> sequences, Vocab vocab, MlmMasking masking, Rng rng) {
        int b = sequences.size(), t = 0;
        for (int[] s : sequences) t = Math.max(t, s.length);
        int[] ids = new int[b * t], mask = new int[b * t], labels = new int[b * t];
        java.util.Arrays.fill(ids, vocab.padId());
        java.util.Arrays.fill(labels, MlmMasking.IGNORE);
        int tokens = 0, predicted = 0;
        for (int i = 0; i < b; i++) {
            int[] s = sequences.get(i);
            boolean[] cont = new boolean[s.length];
            for (int j = 0; j < s.length; j++) cont[j] = vocab.continuation()[s[j]];
            MlmMasking.Masked m = masking.apply(s, cont, vocab.special(), vocab.maskId(), vocab.size(), rng);
            for (int j = 0; j < s.length; j++) {
                ids[i * t + j] = m.inputIds()[j];
                labels[i * t + j] = m.labels()[j];
                mask[i * t + j] = 1;
                if (m.labels()[j] != MlmMasking.IGNORE) predicted++;
            }
            tokens += s.length;
        }
        return new MlmBatch(Tensor.ofInts(ids, b, t), Tensor.ofInts(mask, b, t), Tensor.ofInts(labels, b, t), tokens, predicted);
    }
}
