package jtrain.transformer;

import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.engine.ops.Losses;
import jtrain.engine.ops.Nn;
import jtrain.transformer.nn.Dropout;
import jtrain.transformer.nn.Linear;

/**
 * BERT, the tanh pooler on the first token, dropout, and a linear layer with one output per entry of config.labels():
 * class scores, label scores or (one label) a regression score. The loss follows the config's problem_type as HF's
 * class does; see {@link #problemType}.
 */
public final class BertForSequenceClassification extends BertTask {
    private final Dropout dropout;
    private final Linear classifier;

    public BertForSequenceClassification(BertConfig config, Rng init, Rng dropoutRng) {
        super(config, true, init, dropoutRng);
        if (config.labels().isEmpty()) throw new IllegalArgumentException("sequence classification needs at least 1 label in the config");
        if (config.problemType() == ProblemType.SINGLE_LABEL && config.labels().size() < 2) {
            throw new IllegalArgumentException("single_label_classification needs at least 2 labels in the config, got "
                    + config.labels().size() + " (one output is problem_type \"regression\")");
        }
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

    /**
     * The problem type the loss uses for these labels: the config's problem_type, or when it names none HF's inference:
     * one label means regression; more, with integer labels, single-label; more with float labels, multi-label.
     */
    public ProblemType problemType(Tensor labels) {
        return config.problemType() != null ? config.problemType()
                : ProblemType.inferred(config.labels().size(), !labels.dtype().floating);
    }

    /**
     * The mean loss of logits (B, L) by {@link #problemType}: single-label, cross-entropy against class ids (B), -100
     * ignored; regression, squared error against scores of logits' shape (or (B) with one label); multi-label, binary
     * cross-entropy of each logit against 0/1 targets (B, L), averaged over all B × L. Integer regression or multi-label
     * targets are converted to the logits' dtype (where torch would refuse them).
     */
    @Override
    public Tensor loss(Tensor logits, Tensor labels) {
        Tensor onDevice = labels.to(logits.device());
        ProblemType type = problemType(labels);
        return switch (type) {
            case SINGLE_LABEL -> {
                if (labels.dtype().floating) {
                    throw new IllegalArgumentException("single_label_classification needs integer class ids, got labels " + labels.describe());
                }
                yield Nn.crossEntropy(logits, onDevice.reshape(-1), IGNORE_INDEX);
            }
            case REGRESSION -> {
                Tensor targets = onDevice.to(logits.dtype());
                // One output: scores (B) or (B, 1) against logits (B, 1), as HF squeezes both.
                yield logits.size(-1) == 1 ? Losses.mse(logits.reshape(-1), targets.reshape(-1)) : Losses.mse(logits, targets);
            }
            case MULTI_LABEL -> Losses.binaryCrossEntropyWithLogits(logits, onDevice.to(logits.dtype()));
        };
    }
}
