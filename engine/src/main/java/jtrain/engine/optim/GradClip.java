package jtrain.engine.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import jtrain.engine.Autograd;
import jtrain.engine.DType;
import jtrain.engine.Device;
import jtrain.engine.Phase;
import jtrain.engine.Tensor;
import jtrain.engine.ops.Arith;
import jtrain.engine.backend.Backend;

/** Global gradient-norm clipping, as torch.nn.utils.clip_grad_norm_. */
public final class GradClip {
    private GradClip() {}

    /**
     * Returns the L2 norm of all gradients taken together (before clipping) and, when
     * {@code maxNorm / (norm + 1e-6) < 1}, multiplies every gradient by that factor. Parameters without a gradient
     * are ignored, and a parameter listed twice (tied weights) counts once, as with torch's model.parameters().
     * The squares are summed on the gradients' device in list order (so results repeat exactly), and the only host
     * transfer is the final norm.
     * A NaN norm leaves the gradients as they are (the caller should skip that step).
     */
    public static double clipGradNorm(List<Tensor> params, double maxNorm) {
        Tensor total = sumOfSquares(params, maxNorm);
        return total == null ? 0.0 : clipOnHost(params, total, maxNorm);
    }

    /**
     * The same clipping without reading anything back, for GPU training loops: the norm and the factor
     * min(1, maxNorm / (norm + 1e-6)) are computed on the gradients' device (in F32 there), every gradient is
     * multiplied by the factor (by 1 when no clipping is needed), and the norm comes back as a 0-d tensor to read
     * when logging. A NaN norm makes every gradient NaN, so check it before trusting the weights. On the CPU this is
     * {@link #clipGradNorm} with its result in a tensor.
     */
    public static Tensor clipGradNormOnDevice(List<Tensor> params, double maxNorm) {
        Tensor total = sumOfSquares(params, maxNorm);
        if (total == null) return Tensor.scalar(0, DType.F32, Device.CPU);
        if (total.device().isCpu()) return Tensor.scalar(clipOnHost(params, total, maxNorm), DType.F64, Device.CPU);
        try (var ng = Autograd.noGrad(); var phase = Phase.enter("optimizer")) {
            Tensor norm = total.sqrt();
            Tensor coef = Tensor.scalar(maxNorm, norm.dtype(), norm.device()).div(norm.add(1e-6));
            Tensor atMostOne = Arith.maximum(coef.neg(), Tensor.scalar(-1, norm.dtype(), norm.device())).neg(); // min(coef, 1)
            scale(params, g -> atMostOne);
            return norm;
        }
    }

    /** Reads the total, and scales the gradients when the factor is below 1; returns the norm. */
    private static double clipOnHost(List<Tensor> params, Tensor total, double maxNorm) {
        try (var ng = Autograd.noGrad(); var phase = Phase.enter("optimizer")) {
            double norm = Math.sqrt(total.item());
            double coef = maxNorm / (norm + 1e-6);
            if (coef < 1) scale(params, g -> Tensor.scalar(coef, g.dtype(), g.device()));
            return norm;
        }
    }

    /** The sum of the squares of every distinct parameter's gradient, or null when none has one. */
    private static Tensor sumOfSquares(List<Tensor> params, double maxNorm) {
        if (!(maxNorm > 0)) throw new IllegalArgumentException("maxNorm must be > 0, not " + maxNorm);
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Tensor> unique = new ArrayList<>();
        for (Tensor p : params) if (seen.add(p)) unique.add(p);
        try (var ng = Autograd.noGrad(); var phase = Phase.enter("optimizer")) {
            Tensor total = null;
            for (Tensor p : unique) {
                Tensor g = p.grad();
                if (g == null) continue;
                Backend b = g.backend();
                Tensor s = b.sumOfSquares(g);
                if (total == null) {
                    // Accumulate in F64 where the device has it: hundreds of partial sums lose less that way.
                    total = s.to(b.supports(DType.F64) ? DType.F64 : s.dtype());
                } else {
                    if (!s.device().equals(total.device())) {
                        throw new IllegalArgumentException("clipGradNorm: gradients on " + total.device() + " and " + s.device());
                    }
                    total = total.add(s.to(total.dtype()));
                }
            }
            return total;
        }
    }

    /** Multiplies every distinct parameter's gradient by the 0-d factor given for it (on its device, in its dtype). */
    private static void scale(List<Tensor> params, java.util.function.UnaryOperator<Tensor> factorFor) {
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Tensor p : params) {
            Tensor g = p.grad();
            if (g == null || !seen.add(p)) continue;
            if (!Optimizer.isDense(g)) {
                g = Optimizer.dense(g);
                p.setGrad(g);
            }
            g.backend().scaleInPlace(g, factorFor.apply(g));
        }
    }
}
