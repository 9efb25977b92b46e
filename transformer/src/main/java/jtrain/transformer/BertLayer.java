package jtrain.transformer;

import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.transformer.nn.Linear;
import jtrain.transformer.nn.Module;

/** One post-LN encoder layer: attention, then the feed-forward block ("intermediate", hidden_act, "output"). */
final class BertLayer extends Module {
    private final BertAttention attention;
    private final Linear intermediate;
    private final Activation act;
    private final ResidualOutput output;

    BertLayer(BertConfig c, Rng init, Rng dropoutRng) {
        attention = child("attention", new BertAttention(c, init, dropoutRng));
        intermediate = child("intermediate", new Intermediate(c, init)).dense;
        act = c.hiddenAct();
        output = child("output", new ResidualOutput(c, c.intermediateSize(), init, dropoutRng));
    }

    /** x (B, T, C) -> (B, T, C). */
    Tensor forward(Tensor x, Tensor maskBias) {
        Tensor a = attention.forward(x, maskBias);
        Tensor h = act.apply(intermediate.forward(a));   // (B, T, I)
        return output.forward(h, a);
    }

    /** Holds the parameter names "intermediate.dense.*". */
    static final class Intermediate extends Module {
        final Linear dense;

        Intermediate(BertConfig c, Rng init) {
            dense = child("dense", new Linear(c.hiddenSize(), c.intermediateSize(), c.initializerRange(), init));
        }
    }
}
