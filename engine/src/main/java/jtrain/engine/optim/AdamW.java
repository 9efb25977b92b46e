package jtrain.engine.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jtrain.engine.Tensor;
import jtrain.engine.backend.Backend;

/**
 * AdamW as torch.optim.AdamW (amsgrad off): decoupled weight decay {@code p -= lr*wd*p}, then the Adam update with
 * bias corrections {@code 1 - beta^t}, where t counts the updates of that parameter. The whole update is one fused
 * backend kernel, run where the parameters live: for all parameters of a device at once ({@link Backend#adamwAll}).
 */
public final class AdamW extends Optimizer {
    private static final int EXP_AVG = 0, EXP_AVG_SQ = 1;

    private final double beta1, beta2, eps;
    /** This step's updates, applied together in {@link #finishStep}. */
    private final List<Backend.AdamWUpdate> pending = new ArrayList<>();

    /** One group: every parameter gets the same weight decay. */
    public AdamW(List<Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
        this(List.of(ParamGroup.of(params, weightDecay)), lr, beta1, beta2, eps);
    }

    private AdamW(List<ParamGroup> groups, double lr, double beta1, double beta2, double eps) {
        super(groups, lr, "exp_avg", "exp_avg_sq");
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("AdamW betas must be in [0, 1), not (" + beta1 + ", " + beta2 + ")");
        }
        if (!(eps >= 0)) throw new IllegalArgumentException("AdamW eps must be >= 0, not " + eps);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    /** Groups with their own lr scale and weight decay (e.g. {@link ParamGroup#decayMatricesOnly}). */
    public static AdamW withGroups(List<ParamGroup> groups, double lr, double beta1, double beta2, double eps) {
        return new AdamW(groups, lr, beta1, beta2, eps);
    }

    @Override
    protected void update(int index, Tensor param, Tensor grad, double lr, double weightDecay) {
        long t = paramSteps(index);
        double biasCorrection1 = 1 - Math.pow(beta1, t);
        double biasCorrection2 = 1 - Math.pow(beta2, t);
        pending.add(new Backend.AdamWUpdate(param, grad, stateOrZeros(index, EXP_AVG), stateOrZeros(index, EXP_AVG_SQ),
                lr, beta1, beta2, eps, weightDecay, biasCorrection1, biasCorrection2));
    }

    /** Drops what a step that failed part-way collected. */
    @Override
    protected void startStep() {
        pending.clear();
    }

    /** Applies the step's updates, all parameters of one device in one backend call (one launch on a GPU). */
    @Override
    protected void finishStep() {
        Map<Backend, List<Backend.AdamWUpdate>> byBackend = new LinkedHashMap<>();
        for (Backend.AdamWUpdate u : pending) byBackend.computeIfAbsent(u.param().backend(), b -> new ArrayList<>()).add(u);
        pending.clear();
        byBackend.forEach(Backend::adamwAll);
    }
}
