package jtrain.transformer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jtrain.engine.Checkpoint;
import jtrain.engine.DType;
import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.engine.io.TensorSpec;
import jtrain.transformer.nn.Linear;
import jtrain.transformer.nn.Module;
import jtrain.transformer.nn.ModuleList;

/** The BERT encoder: embeddings, N post-LN layers and (for sequence classification) the tanh pooler. */
public final class BertModel extends Module {
    public final BertConfig config;
    public final BertEmbeddings embeddings;
    private final ModuleList<BertLayer> layers;
    private final Pooler pooler;
    private final Rng dropoutRng;
    private boolean gradientCheckpointing;

    /** The encoder's outputs: the last hidden state, every hidden state if asked for, the pooled first token. */
    public record Output(Tensor lastHidden, List<Tensor> hiddenStates, Tensor pooled) {}

    public BertModel(BertConfig config, boolean withPooler, Rng init, Rng dropoutRng) {
        this.config = config;
        this.dropoutRng = dropoutRng;
        embeddings = child("embeddings", new BertEmbeddings(config, init, dropoutRng));
        layers = child("encoder", new Encoder()).layer;
        for (int i = 0; i < config.numHiddenLayers(); i++) layers.add(new BertLayer(config, init, dropoutRng));
        pooler = withPooler ? child("pooler", new Pooler(config, init)) : null;
    }

    /**
     * The parameters a model of this config would have, by name (as {@link #namedParameters()} lists them) with
     * their types and shapes, without building it: what a checkpoint is checked against before a command's slow
     * work ({@link StateDict#check}). ParameterSpecsTest holds it to the built model's.
     */
    public static Map<String, TensorSpec> parameterSpecs(BertConfig c, boolean withPooler) {
        int h = c.hiddenSize(), f = c.intermediateSize();
        Map<String, TensorSpec> out = new LinkedHashMap<>();
        put(out, "embeddings.word_embeddings.weight", c.vocabSize(), h);
        put(out, "embeddings.position_embeddings.weight", c.maxPositionEmbeddings(), h);
        put(out, "embeddings.token_type_embeddings.weight", c.typeVocabSize(), h);
        layerNorm(out, "embeddings.LayerNorm.", h);
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String layer = "encoder.layer." + i + ".";
            for (String qkv : List.of("query", "key", "value")) linear(out, layer + "attention.self." + qkv + ".", h, h);
            linear(out, layer + "attention.output.dense.", h, h);
            layerNorm(out, layer + "attention.output.LayerNorm.", h);
            linear(out, layer + "intermediate.dense.", h, f);
            linear(out, layer + "output.dense.", f, h);
            layerNorm(out, layer + "output.LayerNorm.", h);
        }
        if (withPooler) linear(out, "pooler.dense.", h, h);
        return out;
    }

    /** A Linear(in, out)'s weight (out, in) and bias (out) under prefix. */
    static void linear(Map<String, TensorSpec> specs, String prefix, int in, int out) {
        put(specs, prefix + "weight", out, in);
        put(specs, prefix + "bias", out);
    }

    static void layerNorm(Map<String, TensorSpec> specs, String prefix, int size) {
        put(specs, prefix + "weight", size);
        put(specs, prefix + "bias", size);
    }

    static void put(Map<String, TensorSpec> specs, String name, int... shape) {
        specs.put(name, new TensorSpec(DType.F32, shape));
    }

    /**
     * inputIds, tokenTypeIds, attentionMask: (B, T) int tensors (mask 1 = attend, 0 = padding; tokenTypeIds and
     * attentionMask may be null for all-zero / all-one).
     */
    public Output forward(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, boolean keepHiddenStates) {
        if (inputIds.rank() != 2) throw new IllegalArgumentException("input_ids must be (batch, seq), got " + inputIds.describe());
        requireShapeOfIds(tokenTypeIds, "token_type_ids", inputIds);
        requireShapeOfIds(attentionMask, "attention_mask", inputIds);
        // Checked here, where the ids are still on the host: the embedding kernel's own error names neither the
        // embedding nor the config field, and on a GPU it comes only at the next read of device data.
        requireIdsBelow(inputIds, "input_ids", config.vocabSize(), "vocab_size", "");
        requireIdsBelow(tokenTypeIds, "token_type_ids", config.typeVocabSize(), "type_vocab_size",
                config.typeVocabSize() == 1 ? ": a text pair's second text has token type 1, so this model takes single texts only" : "");
        // Inputs follow the model, so callers can keep their batches on the host whatever device the model is on.
        jtrain.engine.Device device = embeddings.wordEmbeddings.weight.device();
        inputIds = inputIds.to(device);
        if (tokenTypeIds != null) tokenTypeIds = tokenTypeIds.to(device);
        if (attentionMask != null) attentionMask = attentionMask.to(device);
        int b = inputIds.size(0), t = inputIds.size(1);
        if (tokenTypeIds == null) tokenTypeIds = Tensor.zeros(DType.I32, inputIds.device(), b, t);
        Tensor maskBias = attentionMask == null ? null : maskBias(attentionMask);   // null: every position attends
        List<Tensor> states = keepHiddenStates ? new ArrayList<>() : null;
        Tensor h = embeddings.forward(inputIds, tokenTypeIds);   // (B, T, C)
        if (states != null) states.add(h);
        List<BertLayer> stack = layers.items();
        for (int i = 0; i < stack.size(); i++) {
            BertLayer layer = stack.get(i);
            h = gradientCheckpointing
                    ? Checkpoint.run("encoder.layer." + i, layer.unnamedParameters(), List.of(dropoutRng), in -> layer.forward(in[0], in[1]), h, maskBias)
                    : layer.forward(h, maskBias);
            if (states != null) states.add(h);
        }
        Tensor pooled = pooler == null ? null : pooler.forward(h);
        return new Output(h, states, pooled);
    }

    /** token_type_ids and attention_mask go with input_ids position by position (else the error would come from an add deep inside). */
    private static void requireShapeOfIds(Tensor t, String name, Tensor inputIds) {
        if (t != null && !java.util.Arrays.equals(t.shape(), inputIds.shape())) {
            throw new IllegalArgumentException(name + " must have the shape of input_ids " + java.util.Arrays.toString(inputIds.shape())
                    + ", got " + t.describe());
        }
    }

    /** Ids of a host tensor (B, T) must lie in [0, limit); the error names the tensor, the row, the position and the config field. */
    private static void requireIdsBelow(Tensor ids, String name, int limit, String field, String hint) {
        if (ids == null || !ids.device().isCpu() || ids.dtype() != DType.I32 || ids.rank() != 2) return;
        int[] v = ids.toIntArray();
        int t = ids.size(1);
        for (int i = 0; i < v.length; i++) {
            if (v[i] < 0 || v[i] >= limit) {
                throw new IllegalArgumentException(name + ": id " + v[i] + " at row " + i / t + ", position " + i % t
                        + " is outside the model's " + field + " " + limit + " (config.json)" + hint);
            }
        }
    }

    /**
     * Activation checkpointing (HF's gradient_checkpointing), off by default: each encoder layer keeps only its input
     * for the backward pass, which runs the layer's forward again ({@link Checkpoint}). Saved activations shrink to
     * one layer's plus the layer inputs, for about one more forward pass of compute; results, gradients and the
     * dropout generator's state are the same bit for bit.
     */
    public void setGradientCheckpointing(boolean on) {
        gradientCheckpointing = on;
    }

    public boolean isGradientCheckpointing() {
        return gradientCheckpointing;
    }

    /** (B, T) 1/0 -> (B, 1, 1, T) additive bias: 0 where attended, the most negative float at padding. */
    static Tensor maskBias(Tensor attentionMask) {
        int b = attentionMask.size(0), t = attentionMask.size(1);
        Tensor m = attentionMask.to(DType.F32).reshape(b, 1, 1, t);
        return m.sub(1).mul(Float.MAX_VALUE);
    }

    public boolean hasPooler() {
        return pooler != null;
    }

    /** Holds the parameter names "encoder.layer.N.*". */
    static final class Encoder extends Module {
        final ModuleList<BertLayer> layer = child("layer", new ModuleList<>());
    }

    /** tanh(dense(first token)). */
    static final class Pooler extends Module {
        private final Linear dense;

        Pooler(BertConfig c, Rng init) {
            dense = child("dense", new Linear(c.hiddenSize(), c.hiddenSize(), c.initializerRange(), init));
        }

        Tensor forward(Tensor h) {
            Tensor first = h.slice(1, 0, 1).squeeze(1);   // (B, C)
            return dense.forward(first).tanh();
        }
    }
}
