package jtrain.engine.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import jtrain.engine.Autograd;
import jtrain.engine.DType;
import jtrain.engine.Phase;
import jtrain.engine.Tensor;
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
            if (total == null) return 0.0;
            double norm = Math.sqrt(total.item());
            double coef = maxNorm / (norm + 1e-6);
            if (coef < 1) {
                for (Tensor p : unique) {
                    Tensor g = p.grad();
                    if (g == null) continue;
                    if (!Optimizer.isDense(g)) {
                        g = Optimizer.dense(g);
                        p.setGrad(g);
                    }
                    g.backend().scaleInPlace(g, Tensor.scalar(coef, g.dtype(), g.device()));
                }
            }
            return norm;
        }
    }
}
