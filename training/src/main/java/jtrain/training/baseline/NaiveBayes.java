package jtrain.training.baseline;

import java.util.List;
import java.util.function.IntPredicate;

import jtrain.training.finetune.TaskExample;

/**
 * Multinomial naive Bayes over the token ids of a sequence example: the bag-of-words baseline for single-label
 * sequence tasks (see {@link Baseline}). It reads the same encoded examples the models read (the same WordPiece
 * tokens, truncated to the same length), minus the special tokens, and ignores their order. A class's score is
 * log P(class) + sum over the example's tokens of log((count(token, class) + alpha) / (tokens(class) + alpha * V)),
 * V the vocabulary size; alpha (add-alpha smoothing) is the one of {@link #ALPHAS} that scores best on dev.
 */
public final class NaiveBayes {
    /** The smoothing values tried on dev, largest first: a tie keeps the larger one. */
    public static final double[] ALPHAS = {1.0, 0.3, 0.1, 0.03, 0.01};

    private final int numLabels, vocabSize;
    private final IntPredicate special;
    private final long[] examplesOf, tokensOf; // (labels)
    private final int[][] counts; // (labels, vocab)
    private double alpha = ALPHAS[0];

    private NaiveBayes(int numLabels, int vocabSize, IntPredicate special) {
        this.numLabels = numLabels;
        this.vocabSize = vocabSize;
        this.special = special;
        this.examplesOf = new long[numLabels];
        this.tokensOf = new long[numLabels];
        this.counts = new int[numLabels][vocabSize];
    }

    /**
     * Counts the tokens of train by class, then keeps the alpha whose dev predictions score best under metric
     * ("accuracy" or "macro_f1"). special: the ids left out (padding, [CLS], [SEP]).
     */
    public static NaiveBayes fit(List<TaskExample> train, List<TaskExample> dev, int numLabels, int vocabSize, IntPredicate special, String metric) {
        if (train.isEmpty()) throw new IllegalArgumentException("naive Bayes needs at least one labelled example");
        NaiveBayes nb = new NaiveBayes(numLabels, vocabSize, special);
        for (TaskExample e : train) {
            int label = labelOf(e);
            nb.examplesOf[label]++;
            for (int id : e.ids()) {
                if (special.test(id)) continue;
                if (id < 0 || id >= vocabSize) throw new IllegalArgumentException("token id " + id + " outside the vocabulary of " + vocabSize);
                nb.counts[label][id]++;
                nb.tokensOf[label]++;
            }
        }
        if (dev.isEmpty()) return nb;
        double best = Double.NEGATIVE_INFINITY;
        double bestAlpha = ALPHAS[0];
        for (double a : ALPHAS) {
            nb.alpha = a;
            double score = nb.predict(dev).score(metric, numLabels);
            if (score > best) {
                best = score;
                bestAlpha = a;
            }
        }
        nb.alpha = bestAlpha;
        return nb;
    }

    /** The smoothing chosen on dev. */
    public double alpha() {
        return alpha;
    }

    /** The gold label and the most probable class of every example, in order. */
    public Predictions predict(List<TaskExample> examples) {
        double[] logPrior = new double[numLabels], logDenominator = new double[numLabels];
        long total = 0;
        for (long n : examplesOf) total += n;
        for (int c = 0; c < numLabels; c++) {
            logPrior[c] = Math.log((double) examplesOf[c] / total); // -Infinity for a class with no training example
            logDenominator[c] = Math.log(tokensOf[c] + alpha * vocabSize);
        }
        int[] gold = new int[examples.size()], predicted = new int[examples.size()];
        double[] score = new double[numLabels];
        for (int i = 0; i < examples.size(); i++) {
            TaskExample e = examples.get(i);
            gold[i] = labelOf(e);
            System.arraycopy(logPrior, 0, score, 0, numLabels);
            for (int id : e.ids()) {
                if (special.test(id) || id < 0 || id >= vocabSize) continue;
                for (int c = 0; c < numLabels; c++) score[c] += Math.log(counts[c][id] + alpha) - logDenominator[c];
            }
            int best = 0;
            for (int c = 1; c < numLabels; c++) if (score[c] > score[best]) best = c;
            predicted[i] = best;
        }
        return new Predictions(gold, predicted);
    }

    private static int labelOf(TaskExample e) {
        if (e.labels() == null || e.labels().length != 1 || e.labels()[0] < 0)
            throw new IllegalArgumentException("naive Bayes needs one class id per example (a single-label sequence task)");
        return e.labels()[0];
    }
}
