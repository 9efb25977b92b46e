package jtrain.transformer;

import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.engine.ops.Nn;
import jtrain.transformer.nn.Dropout;
import jtrain.transformer.nn.Linear;

/** BERT, dropout, and a linear classifier on every token (labels -100 where a token is not scored). */
public final class BertForTokenClassification extends BertTask {
    private final Dropout dropout;
    private final Linear classifier;

    public BertForTokenClassification(BertConfig config, Rng init, Rng dropoutRng) {
        super(config, false, init, dropoutRng);
        if (config.labels().size() < 2) throw new IllegalArgumentException("token classification needs at least 2 labels in the config");
        dropout = child("dropout", new Dropout(config.effectiveClassifierDropout(), dropoutRng));
        classifier = child("classifier", new Linear(config.hiddenSize(), config.labels().size(), config.initializerRange(), init));
    }

    @Override
    public String architecture() {
        return "BertForTokenClassification";
    }

    /** -> (B, T, L). */
    @Override
    public Tensor logits(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask) {
        Tensor h = bert.forward(inputIds, tokenTypeIds, attentionMask, false).lastHidden();
        return classifier.forward(dropout.forward(h));
    }

    /** labels (B, T). */
    @Override
    public Tensor loss(Tensor logits, Tensor labels) {
        int l = logits.size(-1);
        return Nn.crossEntropy(logits.reshape(-1, l), labels.reshape(-1).to(logits.device()), IGNORE_INDEX);
    }
}
