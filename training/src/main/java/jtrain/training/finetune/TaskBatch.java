package jtrain.training.finetune;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

import jtrain.engine.Tensor;
import jtrain.transformer.BertTask;

/**
 * Examples padded to the longest of the batch. labels is (B) for sequences and (B, T) for tagging, with -100 on
 * padding so padded positions never count; when every example has float targets (regression, multi-label) it is
 * those, (B, outputs) F32.
 */
public record TaskBatch(Tensor inputIds, Tensor typeIds, Tensor attentionMask, Tensor labels, int[] labelArray) {

    public static TaskBatch of(List<TaskExample> examples, TaskKind kind, int padId) {
        int b = examples.size(), t = 0;
        for (TaskExample e : examples) t = Math.max(t, e.ids().length);
        int[] ids = new int[b * t], types = new int[b * t], mask = new int[b * t];
        int[] labels = new int[kind == TaskKind.SEQUENCE ? b : b * t];
        Arrays.fill(ids, padId);
        Arrays.fill(labels, BertTask.IGNORE_INDEX);
        for (int i = 0; i < b; i++) {
            TaskExample e = examples.get(i);
            int n = e.ids().length;
            System.arraycopy(e.ids(), 0, ids, i * t, n);
            System.arraycopy(e.typeIds(), 0, types, i * t, n);
            Arrays.fill(mask, i * t, i * t + n, 1);
            if (kind == TaskKind.SEQUENCE) labels[i] = e.labels()[0];
            else System.arraycopy(e.labels(), 0, labels, i * t, n);
        }
        Tensor labelTensor = kind == TaskKind.SEQUENCE ? Tensor.ofInts(labels, b) : Tensor.ofInts(labels, b, t);
        if (kind == TaskKind.SEQUENCE && b > 0 && examples.stream().allMatch(e -> e.targets() != null)) labelTensor = targets(examples);
        return new TaskBatch(Tensor.ofInts(ids, b, t), Tensor.ofInts(types, b, t), Tensor.ofInts(mask, b, t), labelTensor, labels);
    }

    /**
     * The examples' indices, shortest first (ties in their order): evaluation batches them in this order, so that a
     * batch pads to examples of similar length instead of each batch to its longest example.
     */
    public static int[] lengthOrder(List<TaskExample> examples) {
        return IntStream.range(0, examples.size()).boxed()
                .sorted(Comparator.comparingInt(i -> examples.get(i).ids().length))
                .mapToInt(Integer::intValue).toArray();
    }

    /** The examples at order[from, to). */
    public static List<TaskExample> pick(List<TaskExample> examples, int[] order, int from, int to) {
        List<TaskExample> out = new ArrayList<>(to - from);
        for (int k = from; k < to; k++) out.add(examples.get(order[k]));
        return out;
    }

    private static Tensor targets(List<TaskExample> examples) {
        int width = examples.getFirst().targets().length;
        float[] all = new float[examples.size() * width];
        for (int i = 0; i < examples.size(); i++) System.arraycopy(examples.get(i).targets(), 0, all, i * width, width);
        return Tensor.of(all, examples.size(), width);
    }
}
