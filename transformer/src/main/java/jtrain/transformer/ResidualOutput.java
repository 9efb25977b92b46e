package jtrain.transformer;

import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.transformer.nn.Dropout;
import jtrain.transformer.nn.LayerNorm;
import jtrain.transformer.nn.Linear;
import jtrain.transformer.nn.Module;

/**
 * The end of each post-LN sub-layer: LayerNorm(dropout(dense(h)) + residual). HF names it "attention.output" after
 * self-attention and "output" after the feed-forward block; both hold "dense" and "LayerNorm".
 */
final class ResidualOutput extends Module {
    private final Linear dense;
    private final LayerNorm layerNorm;
    private final Dropout dropout;

    ResidualOutput(BertConfig c, int in, Rng init, Rng dropoutRng) {
        dense = child("dense", new Linear(in, c.hiddenSize(), c.initializerRange(), init));
        layerNorm = child("LayerNorm", new LayerNorm(c.hiddenSize(), c.layerNormEps()));
        dropout = child("dropout", new Dropout(c.hiddenDropoutProb(), dropoutRng));
    }

    /** h (B, T, in), residual (B, T, C) -> (B, T, C). */
    Tensor forward(Tensor h, Tensor residual) {
        return layerNorm.forward(dropout.forward(dense.forward(h)).add(residual));
    }
}
