package jtrain.training.pretrain;

import java.util.Set;

import jtrain.engine.Rng;

/**
 * Dynamic masking for masked-language-model training (BERT's recipe): each ordinary token is chosen with
 * probability maskProb; a chosen token becomes [MASK] 80% of the time, a random token 10%, and stays itself 10%.
 * With whole-word masking the choice is made per word (a token plus its "##" continuations) and covers all its
 * pieces. Masks are redrawn every time a batch is built, so each epoch sees different ones.
 *
 * @param maskProb  probability that a token (or word) is chosen for prediction (0.15)
 * @param wholeWord choose whole words instead of single word pieces
 */
public record MlmMasking(double maskProb, boolean wholeWord) {
    public static final int IGNORE = -100;

    public MlmMasking {
        if (!(maskProb > 0 && maskProb < 1)) throw new IllegalArgumentException("mask probability must be in (0, 1), got " + maskProb);
    }

    /** The model's input and the labels: -100 where nothing is predicted, else the original id. */
    public record Masked(int[] inputIds, int[] labels) {}

    /**
     * Masks one sequence. special: ids never masked ([CLS], [SEP], [PAD], ...); continuation[i]: token i continues the
     * previous word (a "##" piece), used only with whole-word masking (may be null otherwise).
     */
    public Masked apply(int[] ids, boolean[] continuation, Set<Integer> special, int maskId, int vocabSize, Rng rng) {
        int[] input = ids.clone();
        int[] labels = new int[ids.length];
        java.util.Arrays.fill(labels, IGNORE);
        boolean chosenWord = false;
        for (int i = 0; i < ids.length; i++) {
            if (special.contains(ids[i])) {
                chosenWord = false;
                continue;
            }
            boolean continues = wholeWord && continuation != null && continuation[i] && i > 0 && !special.contains(ids[i - 1]);
            boolean chosen = continues ? chosenWord : rng.nextDouble() < maskProb;
            chosenWord = chosen;
            if (!chosen) continue;
            labels[i] = ids[i];
            double r = rng.nextDouble();
            if (r < 0.8) {
                input[i] = maskId;
            } else if (r < 0.9) {
                input[i] = rng.nextInt(vocabSize);
            } // else: keep the original token
        }
        return new Masked(input, labels);
    }
}
