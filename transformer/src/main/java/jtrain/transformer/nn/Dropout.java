package jtrain.transformer.nn;

import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.engine.ops.Nn;

/**
 * Dropout whose masks draw their seeds from a generator shared by the whole model, so a run's randomness is one
 * saved state (resumable) and independent of the backend.
 */
public final class Dropout extends Module {
    private final double p;
    private final Rng rng;

    public Dropout(double p, Rng rng) {
        this.p = p;
        this.rng = rng;
    }

    public Tensor forward(Tensor x) {
        if (!isTraining() || p == 0) return x;
        return Nn.dropout(x, p, rng.nextLong(), true);
    }
}
