package jtrain.transformer;

import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.transformer.nn.Dropout;
import jtrain.transformer.nn.LayerNorm;
import jtrain.transformer.nn.Linear;
import jtrain.transformer.nn.Module;

/** One post-LN encoder layer: attention, then the GELU feed-forward ("intermediate" and "output"). */
final class BertLayer extends Module {
    private final BertAttention attention;
    private final Linear intermediate;
    private final FeedForwardOutput output;

    BertLayer(BertConfig c, Rng init, Rng dropoutRng) {
        attention = child("attention", new BertAttention(c, init, dropoutRng));
        intermediate = child("intermediate", new Intermediate(c, init)).dense;
        output = child("output", new FeedForwardOutput(c, init, dropoutRng));
    }

    /** x (B, T, C) -> (B, T, C). */
    Tensor forward(Tensor x, Tensor maskBias) {
        Tensor a = attention.forward(x, maskBias);
        Tensor h = intermediate.forward(a).gelu();   // (B, T, I)
        return output.forward(h, a);
    }

    /** Holds the parameter names "intermediate.dense.*". */
    static final class Intermediate extends Module {
        final Linear dense;

        Intermediate(BertConfig c, Rng init) {
            dense = child("dense", new Linear(c.hiddenSize(), c.intermediateSize(), c.initializerRange(), init));
        }
    }

    static final class FeedForwardOutput extends Module {
        private final Linear dense;
        private final LayerNorm layerNorm;
        private final Dropout dropout;

        FeedForwardOutput(BertConfig c, Rng init, Rng dropoutRng) {
            dense = child("dense", new Linear(c.intermediateSize(), c.hiddenSize(), c.initializerRange(), init));
            layerNorm = child("LayerNorm", new LayerNorm(c.hiddenSize(), c.layerNormEps()));
            dropout = child("dropout", new Dropout(c.hiddenDropoutProb(), dropoutRng));
        }

        Tensor forward(Tensor h, Tensor residual) {
            return layerNorm.forward(dropout.forward(dense.forward(h)).add(residual));
        }
    }
}
