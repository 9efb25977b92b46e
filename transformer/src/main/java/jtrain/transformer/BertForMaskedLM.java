package jtrain.transformer;

import java.util.LinkedHashMap;
import java.util.Map;

import jtrain.engine.DType;
import jtrain.engine.Device;
import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.engine.io.TensorSpec;
import jtrain.engine.ops.Matmul;
import jtrain.engine.ops.Nn;
import jtrain.transformer.nn.LayerNorm;
import jtrain.transformer.nn.Linear;
import jtrain.transformer.nn.Module;

/** BERT with the masked-LM head: dense, hidden_act, LayerNorm, then a decoder tied to the word embeddings plus a bias. */
public final class BertForMaskedLM extends BertTask {
    private final Transform transform;
    private final Tensor bias; // cls.predictions.bias (V)

    public BertForMaskedLM(BertConfig config, Rng init, Rng dropoutRng) {
        super(config, false, init, dropoutRng);
        Predictions predictions = child("cls", new Cls(config, init)).predictions;
        transform = predictions.transform;
        bias = predictions.bias;
    }

    /**
     * An MLM head (freshly initialised from init) on an existing encoder, shared rather than copied: training either
     * model moves the same weights, and the decoder stays tied to the shared word embeddings.
     */
    public BertForMaskedLM(BertModel sharedEncoder, Rng init, Rng dropoutRng) {
        super(sharedEncoder, dropoutRng);
        Predictions predictions = child("cls", new Cls(config, init)).predictions;
        transform = predictions.transform;
        bias = predictions.bias;
    }

    /** The parameters of a masked-LM model of this config, as {@link BertModel#parameterSpecs} gives the encoder's. */
    public static Map<String, TensorSpec> parameterSpecs(BertConfig c) {
        Map<String, TensorSpec> out = new LinkedHashMap<>();
        BertModel.parameterSpecs(c, false).forEach((name, spec) -> out.put("bert." + name, spec));
        BertModel.put(out, "cls.predictions.bias", c.vocabSize()); // the decoder's weight is the word embedding
        BertModel.linear(out, "cls.predictions.transform.dense.", c.hiddenSize(), c.hiddenSize());
        BertModel.layerNorm(out, "cls.predictions.transform.LayerNorm.", c.hiddenSize());
        return out;
    }

    @Override
    public String architecture() {
        return "BertForMaskedLM";
    }

    @Override
    public Tensor logits(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask) {
        return predict(bert.forward(inputIds, tokenTypeIds, attentionMask, false).lastHidden());
    }

    /** Hidden states (..., C) -> vocabulary logits (..., V). */
    public Tensor predict(Tensor hidden) {
        Tensor h = transform.forward(hidden);
        Tensor decoder = bert.embeddings.wordEmbeddings.weight;   // (V, C), tied
        return Matmul.linear(h, decoder, bias);
    }

    /**
     * Vocabulary logits (M, V) at the M labelled positions only (labels != -100, in row-major order): the hidden
     * states of those positions are gathered first, so the vocabulary projection (often half of a small model's
     * FLOPs) runs on about 15% of the tokens. Null when no position is labelled.
     */
    public Tensor maskedLogits(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, Tensor labels) {
        Tensor h = bert.forward(inputIds, tokenTypeIds, attentionMask, false).lastHidden();  // (B, T, C)
        int[] positions = labelledPositions(labels.toIntArray());
        if (positions.length == 0) return null;
        Tensor picked = Nn.embedding(h.reshape(-1, h.size(-1)), Tensor.ofInts(positions, positions.length).to(h.device()));  // (M, C)
        return predict(picked);
    }

    /** The labels at the labelled positions, matching the rows of maskedLogits. */
    public static int[] labelledTargets(Tensor labels) {
        int[] lab = labels.toIntArray();
        return java.util.Arrays.stream(labelledPositions(lab)).map(i -> lab[i]).toArray();
    }

    private static int[] labelledPositions(int[] labels) {
        return java.util.stream.IntStream.range(0, labels.length).filter(i -> labels[i] != IGNORE_INDEX).toArray();
    }

    /** The masked-LM loss through maskedLogits: the same value and gradients as loss(logits(...), labels). */
    public Tensor sparseLoss(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, Tensor labels) {
        Tensor logits = maskedLogits(inputIds, tokenTypeIds, attentionMask, labels);
        if (logits == null) {
            // Nothing to predict: a zero loss that still back-propagates (to no effect).
            return bert.forward(inputIds, tokenTypeIds, attentionMask, false).lastHidden().sum().mul(0);
        }
        int[] targets = labelledTargets(labels);
        return Nn.crossEntropy(logits, Tensor.ofInts(targets, targets.length).to(logits.device()), IGNORE_INDEX);
    }

    /**
     * The masked-LM loss with logits at every position, as HF and PyTorch compute it: the same value and gradients
     * as loss(logits(...), labels), through {@link Nn#linearCrossEntropy}, which keeps the (B*T, V) logits inside
     * the op and back-propagates through the labelled rows only.
     */
    public Tensor fullLoss(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, Tensor labels) {
        Tensor h = transform.forward(bert.forward(inputIds, tokenTypeIds, attentionMask, false).lastHidden());
        Tensor decoder = bert.embeddings.wordEmbeddings.weight;
        return Nn.linearCrossEntropy(h.reshape(-1, h.size(-1)), decoder, bias, labels.reshape(-1), IGNORE_INDEX); // labels may stay on the host
    }

    @Override
    public Tensor loss(Tensor logits, Tensor labels) {
        int v = logits.size(-1);
        return Nn.crossEntropy(logits.reshape(-1, v), labels.reshape(-1).to(logits.device()), IGNORE_INDEX);
    }

    static final class Cls extends Module {
        final Predictions predictions;

        Cls(BertConfig c, Rng init) {
            predictions = child("predictions", new Predictions(c, init));
        }
    }

    static final class Predictions extends Module {
        final Transform transform;
        final Tensor bias;

        Predictions(BertConfig c, Rng init) {
            transform = child("transform", new Transform(c, init));
            bias = param("bias", Tensor.zeros(DType.F32, Device.CPU, c.vocabSize()));
        }
    }

    static final class Transform extends Module {
        private final Linear dense;
        private final Activation act;
        private final LayerNorm layerNorm;

        Transform(BertConfig c, Rng init) {
            dense = child("dense", new Linear(c.hiddenSize(), c.hiddenSize(), c.initializerRange(), init));
            act = c.hiddenAct(); // as HF's BertPredictionHeadTransform
            layerNorm = child("LayerNorm", new LayerNorm(c.hiddenSize(), c.layerNormEps()));
        }

        Tensor forward(Tensor h) {
            return layerNorm.forward(act.apply(dense.forward(h)));
        }
    }
}
