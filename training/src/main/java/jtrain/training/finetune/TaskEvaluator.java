package jtrain.training.finetune;

import java.util.List;

import jtrain.engine.Autograd;
import jtrain.engine.MemoryScope;
import jtrain.engine.Tensor;
import jtrain.transformer.BertTask;
import jtrain.transformer.ProblemType;

/**
 * Runs a task model over encoded examples without gradients (dropout off) and scores its arg-max predictions; a
 * regression or multi-label sequence model is scored by {@link ScoreEvaluator}.
 */
public final class TaskEvaluator {
    private TaskEvaluator() {}

    /** What a model's outputs mean: its config's problem type for a sequence model; tagging is single-label per word. */
    public static ProblemType problemOf(BertTask model, TaskKind kind) {
        return kind == TaskKind.SEQUENCE ? ProblemType.ofConfig(model.config) : ProblemType.SINGLE_LABEL;
    }

    public static EvalResult evaluate(BertTask model, TaskKind kind, List<TaskExample> examples, int numLabels, int batchSize, int padId) {
        if (examples.isEmpty()) throw new IllegalArgumentException("nothing to evaluate: the split is empty");
        ProblemType problem = problemOf(model, kind);
        if (problem != ProblemType.SINGLE_LABEL) return ScoreEvaluator.evaluate(model, problem, examples, batchSize, padId);
        boolean wasTraining = model.isTraining();
        model.train(false);
        // Batches of examples of similar length (TaskBatch.lengthOrder); each example's labelled positions still go to
        // its own slots of gold/predicted, in the examples' order, which the study's paired bootstrap relies on.
        int[] order = TaskBatch.lengthOrder(examples), slot = new int[examples.size()];
        int total = 0;
        for (int i = 0; i < examples.size(); i++) {
            slot[i] = total;
            for (int l : examples.get(i).labels()) if (l >= 0) total++;
        }
        int[] gold = new int[total], predicted = new int[total];
        double lossSum = 0;
        try (var ng = Autograd.noGrad()) {
            for (int from = 0; from < examples.size(); from += batchSize) {
                // A batch's device memory goes back to the allocator at its end, not when the collector runs.
                try (var mem = MemoryScope.open(model.device())) {
                    int to = Math.min(examples.size(), from + batchSize);
                    TaskBatch b = TaskBatch.of(TaskBatch.pick(examples, order, from, to), kind, padId);
                    Tensor logits = model.logits(b.inputIds(), b.typeIds(), b.attentionMask());
                    int[] labels = b.labelArray();
                    int n = 0;
                    for (int l : labels) if (l >= 0) n++;
                    if (n == 0) continue;
                    lossSum += model.loss(logits, b.labels()).item() * n;
                    int[] argmax = argmax(logits.toFloatArray(), numLabels);
                    int perRow = labels.length / (to - from); // 1 for sequences, the padded length for tagging
                    for (int r = 0; r < to - from; r++) {
                        int k = slot[order[from + r]];
                        for (int i = r * perRow; i < (r + 1) * perRow; i++) {
                            if (labels[i] < 0) continue;
                            gold[k] = labels[i];
                            predicted[k++] = argmax[i];
                        }
                    }
                }
            }
        } finally {
            model.train(wasTraining);
        }
        return new EvalResult(total == 0 ? Double.NaN : lossSum / total, Metrics.accuracy(gold, predicted),
                Metrics.macroF1(gold, predicted, numLabels), total, gold, predicted);
    }

    /** Row-wise arg-max of a flat (rows, width) array. */
    static int[] argmax(float[] logits, int width) {
        int[] out = new int[logits.length / width];
        for (int r = 0; r < out.length; r++) {
            int best = 0;
            for (int j = 1; j < width; j++) if (logits[r * width + j] > logits[r * width + best]) best = j;
            out[r] = best;
        }
        return out;
    }
}
