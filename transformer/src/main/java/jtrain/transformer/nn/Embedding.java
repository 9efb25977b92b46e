package jtrain.transformer.nn;

import jtrain.engine.DType;
import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.engine.ops.Nn;

/**
 * A lookup table (num, dim) initialised N(0, std). The padding row, if any, starts at zero and gets no gradient from
 * the lookup, as torch's {@code nn.Embedding(padding_idx=...)} that HF uses (a tied decoder still trains it).
 */
public final class Embedding extends Module {
    public final Tensor weight;
    private final int paddingIdx;

    public Embedding(int num, int dim, double std, int paddingIdx, Rng rng) {
        if (paddingIdx < -1 || paddingIdx >= num) {
            throw new IllegalArgumentException("padding index " + paddingIdx + " (pad_token_id) is outside the " + num + " embedding rows");
        }
        float[] w = Tensor.randn(rng, 0, std, DType.F32, num, dim).toFloatArray();
        if (paddingIdx >= 0) java.util.Arrays.fill(w, paddingIdx * dim, (paddingIdx + 1) * dim, 0f);
        weight = param("weight", Tensor.of(w, num, dim));
        this.paddingIdx = paddingIdx;
    }

    /** ids (...) -> (..., dim). */
    public Tensor forward(Tensor ids) {
        return Nn.embedding(weight, ids, paddingIdx);
    }
}
