package jtrain.transformer.nn;

import jtrain.engine.DType;
import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.engine.ops.Nn;

/** A lookup table (num, dim) initialised N(0, std); the padding row, if any, starts at zero (as HF does). */
public final class Embedding extends Module {
    public final Tensor weight;

    public Embedding(int num, int dim, double std, int paddingIdx, Rng rng) {
        float[] w = Tensor.randn(rng, 0, std, DType.F32, num, dim).toFloatArray();
        if (paddingIdx >= 0 && paddingIdx < num) java.util.Arrays.fill(w, paddingIdx * dim, (paddingIdx + 1) * dim, 0f);
        weight = param("weight", Tensor.of(w, num, dim));
    }

    /** ids (...) -> (..., dim). */
    public Tensor forward(Tensor ids) {
        return Nn.embedding(weight, ids);
    }
}
