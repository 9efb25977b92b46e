package jtrain.transformer;

import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.transformer.nn.Dropout;
import jtrain.transformer.nn.Linear;
import jtrain.transformer.nn.Module;

/**
 * Multi-head self-attention with its output projection and post-LN residual (HF's BertAttention: "self" holds
 * query/key/value, "output" holds dense + LayerNorm).
 */
final class BertAttention extends Module {
    private final SelfAttention self;
    private final ResidualOutput output;

    BertAttention(BertConfig c, Rng init, Rng dropoutRng) {
        self = child("self", new SelfAttention(c, init, dropoutRng));
        output = child("output", new ResidualOutput(c, c.hiddenSize(), init, dropoutRng));
    }

    /** x (B, T, C), maskBias (B, 1, 1, T) additive or null (no padding) -> (B, T, C). */
    Tensor forward(Tensor x, Tensor maskBias) {
        return output.forward(self.forward(x, maskBias), x);
    }

    static final class SelfAttention extends Module {
        private final Linear query, key, value;
        private final Dropout dropout;
        private final int heads, headDim;

        SelfAttention(BertConfig c, Rng init, Rng dropoutRng) {
            query = child("query", new Linear(c.hiddenSize(), c.hiddenSize(), c.initializerRange(), init));
            key = child("key", new Linear(c.hiddenSize(), c.hiddenSize(), c.initializerRange(), init));
            value = child("value", new Linear(c.hiddenSize(), c.hiddenSize(), c.initializerRange(), init));
            dropout = child("dropout", new Dropout(c.attentionProbsDropoutProb(), dropoutRng));
            heads = c.numAttentionHeads();
            headDim = c.headDim();
        }

        Tensor forward(Tensor x, Tensor maskBias) {
            int b = x.size(0), t = x.size(1);
            // The 1/sqrt(D) scale is applied to q (T x C values) rather than to the scores (T x T per head).
            Tensor q = splitHeads(query.forward(x).mul(1.0 / Math.sqrt(headDim)), b, t);   // (B, H, T, D)
            Tensor k = splitHeads(key.forward(x), b, t);
            Tensor v = splitHeads(value.forward(x), b, t);
            Tensor scores = q.matmul(k.transpose(-1, -2));                  // (B, H, T, T)
            if (maskBias != null) scores = scores.add(maskBias);
            Tensor probs = dropout.forward(scores.softmax());
            Tensor ctx = probs.matmul(v);                                   // (B, H, T, D)
            return ctx.permute(0, 2, 1, 3).reshape(b, t, heads * headDim);  // (B, T, C)
        }

        private Tensor splitHeads(Tensor x, int b, int t) {
            return x.reshape(b, t, heads, headDim).permute(0, 2, 1, 3);
        }
    }
}
