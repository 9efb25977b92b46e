package jtrain.transformer;

import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.engine.ops.Nn;
import jtrain.transformer.nn.Dropout;
import jtrain.transformer.nn.Linear;

/** BERT, the tanh pooler on the first token, dropout, and a linear classifier over config.labels(). */
public final class BertForSequenceClassification extends BertTask {
    private final Dropout dropout;
    private final Linear classifier;

    public BertForSequenceClassification(BertConfig config, Rng init, Rng dropoutRng) {
        super(config, true, init, dropoutRng);
        if (config.labels().size() < 2) throw new IllegalArgumentException("sequence classification needs at least 2 labels in the config");
        dropout = child("dropout", new Dropout(config.effectiveClassifierDropout(), dropoutRng));
        classifier = child("classifier", new Linear(config.hiddenSize(), config.labels().size(), config.initializerRange(), init));
    }

    @Override
    public String architecture() {
        return "BertForSequenceClassification";
    }

    /** -> (B, L). */
    @Override
    public Tensor logits(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask) {
        Tensor pooled = bert.forward(inputIds, tokenTypeIds, attentionMask, false).pooled();
        return classifier.forward(dropout.forward(pooled));
    }

    /** labels (B). */
    @Override
    public Tensor loss(Tensor logits, Tensor labels) {
        return Nn.crossEntropy(logits, labels.reshape(-1).to(logits.device()), IGNORE_INDEX);
    }
}
