package jtrain.engine.optim;

import java.util.ArrayList;
import java.util.List;

import jtrain.engine.Tensor;

/**
 * Parameters that share optimizer settings: the learning rate is the optimizer's (scheduled) rate times
 * {@code lrScale}, so a schedule moves every group together while e.g. a freshly initialised head can learn faster.
 * {@code weightDecay} is decoupled decay for {@link AdamW} and L2 added to the gradient for {@link Sgd}.
 */
public record ParamGroup(List<Tensor> params, double lrScale, double weightDecay) {
    public ParamGroup {
        params = List.copyOf(params);
        if (!(lrScale >= 0) || Double.isInfinite(lrScale)) throw new IllegalArgumentException("lrScale must be finite and >= 0, not " + lrScale);
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) throw new IllegalArgumentException("weightDecay must be finite and >= 0, not " + weightDecay);
    }

    public static ParamGroup of(List<Tensor> params, double weightDecay) {
        return new ParamGroup(params, 1.0, weightDecay);
    }

    /**
     * The usual transformer split: weight decay for matrices (weights, embeddings), none for 1-D tensors (biases and
     * LayerNorm scales), which is what Hugging Face's Trainer does by name. Empty groups are left out.
     */
    public static List<ParamGroup> decayMatricesOnly(List<Tensor> params, double weightDecay) {
        List<Tensor> decay = new ArrayList<>(), noDecay = new ArrayList<>();
        for (Tensor p : params) (p.rank() >= 2 ? decay : noDecay).add(p);
        List<ParamGroup> groups = new ArrayList<>();
        if (!decay.isEmpty()) groups.add(of(decay, weightDecay));
        if (!noDecay.isEmpty()) groups.add(of(noDecay, 0));
        return groups;
    }
}
