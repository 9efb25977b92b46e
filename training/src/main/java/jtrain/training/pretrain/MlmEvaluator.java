package jtrain.training.pretrain;

import java.util.List;

import jtrain.engine.Autograd;
import jtrain.engine.MemoryScope;
import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.engine.ops.Nn;
import jtrain.transformer.BertForMaskedLM;

/**
 * Held-out masked-LM quality: loss (mean cross-entropy over predicted tokens), perplexity exp(loss) and accuracy of
 * the arg-max prediction. Masks come from a fixed seed, so every evaluation of a run scores the same positions.
 */
public final class MlmEvaluator {
    private final List<int[]> sequences;
    private final MlmBatch.Vocab vocab;
    private final MlmMasking masking;
    private final int batchSize;
    private final long seed;

    /**
     * loss, perplexity, accuracy: over all predicted tokens. sequenceLoss[i] and sequencePredicted[i]: the summed
     * cross-entropy (in double, from the logits) and the count of predicted tokens of held-out sequence i, for
     * intervals that resample sequences.
     */
    public record Result(double loss, double perplexity, double accuracy, long predicted, double[] sequenceLoss, int[] sequencePredicted) {}

    /**
     * The masking seed of the held-out evaluation of a run with the given --seed (its own stream, apart from the
     * training masks and dropout), so that {@code eval --task mlm --seed S} draws the very masks such a run scored.
     */
    public static long maskingSeed(long runSeed) {
        return runSeed + 2;
    }

    /** The batch size of a run's held-out evaluation (padding differs with it, the masks do not). */
    public static final int RUN_BATCH = 64;

    public MlmEvaluator(List<int[]> sequences, MlmBatch.Vocab vocab, MlmMasking masking, int batchSize, long seed) {
        if (sequences.isEmpty()) throw new IllegalArgumentException("no held-out sequences to evaluate on");
        this.sequences = sequences;
        this.vocab = vocab;
        this.masking = masking;
        this.batchSize = batchSize;
        this.seed = seed;
    }

    /** The tokens {@link #evaluate} predicts, from the same masks drawn without a model (to check them before scoring). */
    public long maskedTokens() {
        Rng rng = new Rng(seed);
        long predicted = 0;
        for (int from = 0; from < sequences.size(); from += batchSize) {
            predicted += MlmBatch.of(sequences.subList(from, Math.min(sequences.size(), from + batchSize)), vocab, masking, rng).predicted();
        }
        return predicted;
    }

    public Result evaluate(BertForMaskedLM model) {
        boolean wasTraining = model.isTraining();
        model.train(false);
        Rng rng = new Rng(seed);
        double lossSum = 0;
        long predicted = 0, correct = 0;
        double[] sequenceLoss = new double[sequences.size()];
        int[] sequencePredicted = new int[sequences.size()];
        try (var ng = Autograd.noGrad()) {
            for (int from = 0; from < sequences.size(); from += batchSize) {
                MlmBatch b = MlmBatch.of(sequences.subList(from, Math.min(sequences.size(), from + batchSize)), vocab, masking, rng);
                if (b.predicted() == 0) continue;
                // A batch's device memory goes back to the allocator at its end, not when the collector runs.
                try (var mem = MemoryScope.open(model.device())) {
                    Tensor logits = model.maskedLogits(b.inputIds(), null, b.attentionMask(), b.labels());  // (M, V)
                    int[] targets = BertForMaskedLM.labelledTargets(b.labels());
                    predicted += targets.length;
                    // One pass gives the loss of each token (minus its target's log-probability) and the arg-max.
                    float[] logProbs = Nn.logSoftmax(logits).toFloatArray(); // (M, V); arg-max as the logits' (but for rounding ties)
                    correct += countCorrect(logProbs, targets);
                    lossSum += addBySequence(logProbs, targets, b.labels(), from, sequenceLoss, sequencePredicted);
                }
            }
        } finally {
            model.train(wasTraining);
        }
        double loss = predicted == 0 ? Double.NaN : lossSum / predicted;
        return new Result(loss, Math.exp(loss), predicted == 0 ? Double.NaN : (double) correct / predicted, predicted,
                sequenceLoss, sequencePredicted);
    }

    /**
     * Adds each predicted token's cross-entropy, minus its target's log-probability, to the sequence it belongs to,
     * and returns the batch's sum. Rows of logProbs (M, V) follow the labelled positions of labels (B, T) in order;
     * the batch's first sequence is number first.
     */
    private static double addBySequence(float[] logProbs, int[] targets, Tensor labels, int first, double[] loss, int[] count) {
        int[] lab = labels.toIntArray();
        int t = labels.size(-1), v = logProbs.length / Math.max(1, targets.length), row = 0;
        double sum = 0;
        for (int pos = 0; pos < lab.length; pos++) {
            if (lab[pos] == MlmMasking.IGNORE) continue;
            int seq = first + pos / t;
            double l = -logProbs[row * v + targets[row]];
            loss[seq] += l;
            count[seq]++;
            sum += l;
            row++;
        }
        return sum;
    }

    /** Rows of log-probabilities (M, V) whose arg-max is the target. */
    private static long countCorrect(float[] l, int[] targets) {
        int v = l.length / Math.max(1, targets.length);
        long correct = 0;
        for (int i = 0; i < targets.length; i++) {
            int best = 0;
            for (int j = 1; j < v; j++) if (l[i * v + j] > l[i * v + best]) best = j;
            if (best == targets[i]) correct++;
        }
        return correct;
    }
}
